using System.Diagnostics;
using KanikoBuild.Testing;

namespace KanikoBuild.Engine.Tests;

/// <summary>The bootstrap script as a user meets it: a fresh clone, where the second run must be the warm path.</summary>
public sealed class BootstrapTests
{
    [Fact]
    public async Task A_fresh_clone_compiles_once_and_then_only_when_an_input_file_is_added_or_removed()
    {
        Peer.RequireExecutable("git", "git");
        var info = new ProcessStartInfo("bash", [RepositoryRoot.Combine("tests", "bootstrap", "warm-path.sh"), RepositoryRoot.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A user's shell, not the test host's: MSBuild's variables from 'dotnet test' would steer the clone's compile.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k is "DOTNET_HOST_PATH" or "KANIKOBUILD_FORCE_COMPILE").ToList())
            info.Environment.Remove(name);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(15));

        Assert.True(process.ExitCode == 0, $"{await stdout}\n{await stderr}");
        Assert.Contains("a fresh clone compiles once", await stdout, StringComparison.Ordinal);
    }
}
