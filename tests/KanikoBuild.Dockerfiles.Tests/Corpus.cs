using System.Text;
using KanikoBuild.Dockerfiles;

namespace KanikoBuild.Dockerfiles.Tests;

/// <summary>The Dockerfiles under Corpus/, read as raw bytes so that line endings and byte-order marks survive.</summary>
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

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public static string Text(string name) => s_utf8.GetString(Bytes(name));

    public static Dockerfile Parse(string name) => DockerfileParser.Parse(Text(name), name);
}
