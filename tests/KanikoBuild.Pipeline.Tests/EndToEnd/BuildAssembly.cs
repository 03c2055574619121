using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// The compiled build (build/_build.csproj), as ./build.sh runs it; compiled here when it is missing or its inputs
/// changed since, so an end-to-end test never runs yesterday's pipeline, also when one test project runs alone.
/// The inputs are the bootstrap's (build.sh's <c>input_checksum</c>): every file under build/ and src/ but bin/ and
/// obj/, global.json, Directory.*.props and .targets, .editorconfig and NuGet.config. A file newer than the
/// assembly makes it stale, and so does a file added, removed or renamed since this class last compiled it (the
/// list it compiled from is kept beside the assembly; without that list it compiles once to make one).
/// </summary>
public static class BuildAssembly
{
    static readonly SemaphoreSlim s_gate = new(1, 1);

    public static string Path => RepositoryRoot.Combine("build", "bin", "Debug", "net10.0", "_build.dll");

    static string InputsStamp => Path + ".test-inputs";

    public static async Task EnsureAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            var inputs = Inputs();
            if (!File.Exists(Path) || IsStale(inputs))
            {
                await Shell.RunCheckedAsync("dotnet", ["build", RepositoryRoot.Combine("build", "_build.csproj"), "-nologo", "-v", "q"]);
                // An up-to-date incremental build leaves the file's time alone; a source it does not compile (the simulator) must not make it stale forever.
                File.SetLastWriteTimeUtc(Path, DateTime.UtcNow);
                await File.WriteAllLinesAsync(InputsStamp, inputs);
            }
        }
        finally
        {
            s_gate.Release();
        }
    }

    static bool IsStale(IReadOnlyList<string> inputs)
    {
        if (!File.Exists(InputsStamp) || !File.ReadAllLines(InputsStamp).SequenceEqual(inputs, StringComparer.Ordinal))
            return true;
        var built = File.GetLastWriteTimeUtc(Path);
        return inputs.Any(f => File.GetLastWriteTimeUtc(f) > built);
    }

    /// <summary>The compile's input files, sorted by ordinal path.</summary>
    static List<string> Inputs()
    {
        var files = new List<string>();
        foreach (var root in new[] { "build", "src" })
            Walk(RepositoryRoot.Combine(root), files);
        files.AddRange(new[] { "global.json", ".editorconfig", "NuGet.config", "nuget.config" }.Select(name => RepositoryRoot.Combine(name)).Where(File.Exists));
        files.AddRange(Directory.EnumerateFiles(RepositoryRoot.Path, "Directory.*.props").Concat(Directory.EnumerateFiles(RepositoryRoot.Path, "Directory.*.targets")));
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    static void Walk(string directory, List<string> files)
    {
        files.AddRange(Directory.EnumerateFiles(directory));
        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            var name = System.IO.Path.GetFileName(child);
            if (name is not ("bin" or "obj"))
                Walk(child, files);
        }
    }
}
