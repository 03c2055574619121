using System.Diagnostics;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// The README's first command, as a newcomer runs it: <c>Sandbox</c> starts its own registry, Console simulator and
/// twistcli stand-in, runs both alternatives on both samples, shows the verdicts and stops everything. The kaniko
/// image is the stand-in here (nothing can be pulled); the Sandbox itself would fall back to it too, more slowly.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SandboxTests
{
    [Fact]
    public async Task Sandbox_ShowsBothVerdicts_AsExpected_AndStopsWhatItStarted()
    {
        var kaniko = await KanikoStandInImage.EnsureAsync();
        await BuildAssembly.EnsureAsync();
        using var root = new TempDirectory("kanikobuild-sandbox-");
        Directory.CreateDirectory(root.Combine(".nuke"));
        foreach (var file in Directory.GetFiles(RepositoryRoot.Combine("samples"), "*", SearchOption.AllDirectories))
        {
            var target = root.Combine("samples", Path.GetRelativePath(RepositoryRoot.Combine("samples"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        // The simulator and the stand-ins are found under the root's src/ and standins/, as in a checkout.
        File.CreateSymbolicLink(root.Combine("src"), RepositoryRoot.Combine("src"));
        File.CreateSymbolicLink(root.Combine("standins"), RepositoryRoot.Combine("standins"));
        var registriesBefore = RegistryProcesses();

        var run = await RunAsync(root.Path, "Sandbox", "--kaniko-image", kaniko);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("every verdict is the expected one", run.Output);
        Assert.Matches(@"A\s+samples/app\s+PASS\s+\(as expected\)", run.Output);
        Assert.Matches(@"B\s+samples/app-vulnerable\s+FAIL\s+\(as expected\)", run.Output);
        Assert.Contains("[Console SIMULATOR]", run.Output);
        Assert.True(File.Exists(root.Combine("artifacts", "sandbox", "B", "app-vulnerable", "scan.sarif")));
        Assert.Equal(registriesBefore, RegistryProcesses());
    }

    static int RegistryProcesses() => Process.GetProcesses().Count(p => p.ProcessName.Contains("registry", StringComparison.Ordinal));

    static async Task<BuildRun> RunAsync(string root, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BuildAssembly.Path }.Concat(arguments).Concat(["--root", root, "--no-logo", "--verbosity", "verbose"]))
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        return new BuildRun(process.ExitCode, await stdout + await stderr);
    }
}
