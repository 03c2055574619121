using System.Diagnostics;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>The Sandbox runs alternative C on both samples beside A and B: the passing sample shipped = scanned, the vulnerable one failing with nothing shipped.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SandboxTarballScanTests
{
    [Fact]
    public async Task Sandbox_ShowsAlternativeC_OnBothSamples()
    {
        var kaniko = await KanikoStandInImage.EnsureAsync();
        await BuildAssembly.EnsureAsync();
        using var root = new TempDirectory("kanikobuild-sandbox-c-");
        Directory.CreateDirectory(root.Combine(".nuke"));
        foreach (var file in Directory.GetFiles(RepositoryRoot.Combine("samples"), "*", SearchOption.AllDirectories))
        {
            var target = root.Combine("samples", Path.GetRelativePath(RepositoryRoot.Combine("samples"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.CreateSymbolicLink(root.Combine("src"), RepositoryRoot.Combine("src"));
        File.CreateSymbolicLink(root.Combine("standins"), RepositoryRoot.Combine("standins"));

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BuildAssembly.Path, "Sandbox", "--kaniko-image", kaniko, "--report-formats", "markdown,json", "--root", root.Path, "--no-logo" })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(12));
        var run = new BuildRun(process.ExitCode, await stdout + await stderr);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"A\s+samples/app\s+PASS\s+\(as expected\)", run.Output);
        Assert.Matches(@"B\s+samples/app\s+PASS\s+\(as expected\)", run.Output);
        Assert.Matches(@"C\s+samples/app\s+PASS\s+\(as expected\)", run.Output);
        Assert.Matches(@"C\s+samples/app-vulnerable\s+FAIL\s+\(as expected\)", run.Output);
        var passed = await File.ReadAllTextAsync(root.Combine("artifacts", "sandbox", "C", "app", "scan-summary.md"));
        Assert.Contains("Shipped = scanned", passed);
        var failed = await File.ReadAllTextAsync(root.Combine("artifacts", "sandbox", "C", "app-vulnerable", "scan-summary.md"));
        Assert.Contains("CVE-", failed);
        Assert.DoesNotContain("Shipped", failed);
    }
}
