using System.Text;
using KanikoBuild.Dockerfiles;

namespace KanikoBuild.Dockerfiles.Tests;

/// <summary>
/// The Dockerfiles under Corpus/, read as raw bytes so that line endings and byte-order marks survive: the valid
/// ones at the top, the malformed ones under Corpus/Malformed/, each with a <c>.expected</c> file beside it (the
/// line the error names, 0 for an error about the whole file, then a fragment of the message).
/// </summary>
public static class Corpus
{
    static readonly UTF8Encoding s_utf8 = new(false, true);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static IEnumerable<string> Names =>
        System.IO.Directory.GetFiles(Directory, "*.Dockerfile").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names)
            data.Add(name);
        return data;
    }

    public static string MalformedDirectory => Path.Combine(Directory, "Malformed");

    public static IEnumerable<string> MalformedNames =>
        System.IO.Directory.GetFiles(MalformedDirectory, "*.Dockerfile").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>name, the line the error names (0: the whole file), a fragment of the message.</summary>
    public static TheoryData<string, int, string> Malformed()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var name in MalformedNames)
        {
            var expected = File.ReadAllLines(Path.Combine(MalformedDirectory, Path.ChangeExtension(name, ".expected")));
            data.Add(name, int.Parse(expected[0], System.Globalization.CultureInfo.InvariantCulture), expected[1]);
        }
        return data;
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public static string Text(string name) => s_utf8.GetString(Bytes(name));

    public static Dockerfile Parse(string name) => DockerfileParser.Parse(Text(name), name);
}
