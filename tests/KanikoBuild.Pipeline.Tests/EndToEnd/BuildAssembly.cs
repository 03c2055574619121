using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// The compiled build (build/_build.csproj), as ./build.sh runs it; compiled here when missing or older than any
/// source under build/ or src/, so an end-to-end test never runs yesterday's pipeline.
/// </summary>
public static class BuildAssembly
{
    static readonly SemaphoreSlim s_gate = new(1, 1);

    public static string Path => RepositoryRoot.Combine("build", "bin", "Debug", "net10.0", "_build.dll");

    public static async Task EnsureAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (!File.Exists(Path) || IsStale())
            {
                await Shell.RunCheckedAsync("dotnet", ["build", RepositoryRoot.Combine("build", "_build.csproj"), "-nologo", "-v", "q"]);
                // An up-to-date incremental build leaves the file's time alone; a source it does not compile (the simulator) must not make it stale forever.
                File.SetLastWriteTimeUtc(Path, DateTime.UtcNow);
            }
        }
        finally
        {
            s_gate.Release();
        }
    }

    static bool IsStale()
    {
        var built = File.GetLastWriteTimeUtc(Path);
        return new[] { "build", "src" }.SelectMany(d => Directory.EnumerateFiles(RepositoryRoot.Combine(d), "*.*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
                && !f.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{System.IO.Path.DirectorySeparatorChar}bin{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Any(f => File.GetLastWriteTimeUtc(f) > built);
    }
}
