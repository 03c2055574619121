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
    /// <summary>A checkout as the Sandbox needs it: .nuke/, a copy of samples/, and src/ and standins/ linked.</summary>
    static TempDirectory NewRoot()
    {
        var root = new TempDirectory("kanikobuild-sandbox-");
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
        return root;
    }

    [Fact]
    public async Task Sandbox_ShowsBothVerdicts_AsExpected_AndStopsWhatItStarted()
    {
        var kaniko = await KanikoStandInImage.EnsureAsync();
        await BuildAssembly.EnsureAsync();
        using var root = NewRoot();

        var run = await RunAsync(root.Path, "Sandbox", "--kaniko-image", kaniko);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("every verdict is the expected one", run.Output);
        Assert.Matches(@"A\s+samples/app\s+PASS\s+\(as expected\)", run.Output);
        Assert.Matches(@"B\s+samples/app-vulnerable\s+FAIL\s+\(as expected\)", run.Output);
        Assert.Contains("[Console SIMULATOR]", run.Output);
        Assert.True(File.Exists(root.Combine("artifacts", "sandbox", "B", "app-vulnerable", "scan.sarif")));
        // What it started is stopped: the registry and the simulator it reported no longer listen. (This counted
        // registry processes machine-wide before, which other test projects running in parallel change at will.)
        var registry = System.Text.RegularExpressions.Regex.Match(run.Output, @"Registry at 127\.0\.0\.1:(\d+) ").Groups[1].Value;
        var simulator = System.Text.RegularExpressions.Regex.Match(run.Output, @"Console SIMULATOR at http://127\.0\.0\.1:(\d+)/").Groups[1].Value;
        Assert.False(await ListensAsync(int.Parse(registry, System.Globalization.CultureInfo.InvariantCulture)), $"the Sandbox's registry on port {registry} still listens");
        Assert.False(await ListensAsync(int.Parse(simulator, System.Globalization.CultureInfo.InvariantCulture)), $"the Sandbox's Console simulator on port {simulator} still listens");
    }

    static async Task<bool> ListensAsync(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("--policy", "bad.json", "The scan policy file 'bad.json' does not exist")]
    [InlineData("--fail-on", "critical=abc", "--fail-on 'critical=abc': the limit 'abc' for critical is not a whole number")]
    [InlineData("--report-formats", "html", "--report-formats: 'html' is not a report format")]
    public async Task Sandbox_RefusesABadPolicyParameter_BeforeStartingAnything(string parameter, string value, string error)
    {
        await BuildAssembly.EnsureAsync();
        using var root = NewRoot();
        // A default policy that would otherwise be used silently in place of the one asked for.
        File.WriteAllText(root.Combine(".nuke", "scan-policy.json"), """{ "failOn": { "critical": 0 } }""");

        var run = await RunAsync(root.Path, "Sandbox", parameter, value);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains(error, run.Output);
        Assert.DoesNotContain("as expected", run.Output);
        Assert.DoesNotContain("Starting a local registry", run.Output);
    }

    [Fact]
    public async Task Sandbox_HonoursThePolicy_TheReportsDirectory_AndTheFormats()
    {
        var kaniko = await KanikoStandInImage.EnsureAsync();
        await BuildAssembly.EnsureAsync();
        using var root = NewRoot();

        var run = await RunAsync(root.Path, "Sandbox", "--kaniko-image", kaniko, "--policy", "samples/scan-policy.json",
            "--reports-dir", "out/sandbox", "--report-formats", "sarif,json,log");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Policy: samples/scan-policy.json", run.Output);
        Assert.Matches(@"A\s+samples/app\s+PASS\s+\(as expected\)", run.Output);
        Assert.Matches(@"B\s+samples/app-vulnerable\s+FAIL\s+\(as expected\)", run.Output);
        Assert.DoesNotContain("Sandbox: Sandbox:", run.Output);
        // The allow-list entry of samples/scan-policy.json counts, and the deferred CVE shows in the "no fix" column.
        Assert.Matches(@"low\s+2\s+1\s+1\s+1\s+-", run.Output);
        Assert.False(Directory.Exists(root.Combine("artifacts", "sandbox")));
        foreach (var alternative in new[] { "A", "B" })
        {
            var reports = root.Combine("out", "sandbox", alternative, "app-vulnerable");
            Assert.Equal(["scan-result.json", "scan.sarif"], Directory.GetFiles(reports).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(reports, "scan-result.json")));
            var allowed = json.RootElement.GetProperty("verdict").GetProperty("allowedFindings").EnumerateArray().Select(a => a.GetProperty("id").GetString());
            Assert.Contains("CVE-2023-45853", allowed);
            // The image is named by where it ships (A) or the dev repository (B), never by the per-run scan.
            var image = json.RootElement.GetProperty("result").GetProperty("identity").GetProperty("name").GetString();
            Assert.EndsWith(alternative == "A" ? "/release/samples/app-vulnerable" : "/dev/samples/app-vulnerable", image, StringComparison.Ordinal);
        }
    }

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
