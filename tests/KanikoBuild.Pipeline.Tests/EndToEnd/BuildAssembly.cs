using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>The compiled build (build/_build.csproj), as ./build.sh runs it; compiled here when missing.</summary>
public static class BuildAssembly
{
    static readonly SemaphoreSlim s_gate = new(1, 1);

    public static string Path => RepositoryRoot.Combine("build", "bin", "Debug", "net10.0", "_build.dll");

    public static async Task EnsureAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (!File.Exists(Path))
                await Shell.RunCheckedAsync("dotnet", ["build", RepositoryRoot.Combine("build", "_build.csproj"), "-nologo", "-v", "q"]);
        }
        finally
        {
            s_gate.Release();
        }
    }
}
