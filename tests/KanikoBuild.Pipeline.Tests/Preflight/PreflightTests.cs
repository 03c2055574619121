using System.Text.Json;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Scanning;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.Preflight;

/// <summary>The preflight on its own: which inputs each run checks, and that what it parsed is what the targets use.</summary>
public sealed class PreflightTests : IDisposable
{
    const string Digest = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    readonly TempDirectory _root = new("kanikobuild-preflight-");

    public void Dispose() => _root.Dispose();

    PipelineSettings Settings() => new()
    {
        RootDirectory = _root.Path,
        TemporaryDirectory = _root.Combine(".nuke", "temp"),
        ConsoleUrl = "https://console.example.com:8083", ConsoleUser = "ci", ConsolePassword = "preflight-test-password",
        DevRegistry = "registry.example.com/dev", ProdRegistry = "registry.example.com/prod", Image = "team/app", Tag = "1.0",
        ReportsDir = "reports",
    };

    static ScanResult OneHigh() => ScanResultReader.FromRegistryEntry(JsonDocument.Parse("""
        { "_id": "registry.example.com/dev/team/app:1.0", "scanTime": "2026-11-28T01:00:00Z",
          "repoTag": { "registry": "registry.example.com", "repo": "dev/team/app", "tag": "1.0" },
          "vulnerabilities": [ { "cve": "CVE-2026-0001", "severity": "high", "packageName": "openssl", "packageVersion": "1.0", "status": "fixed in 1.1" } ] }
        """).RootElement);

    [Fact]
    public async Task The_verdict_applies_the_policy_the_preflight_loaded_without_reading_the_file_again()
    {
        var policyFile = _root.Write("policy.json", """{ "failOn": { "critical": 0, "high": 5 } }""");
        var settings = Settings() with { Policy = "policy.json", ImageDigest = Digest };

        var inputs = await PipelinePreflight.CheckAsync(settings, PipelineTargets.AwaitScan, CancellationToken.None);
        File.WriteAllText(policyFile, "{ not a policy any more");
        var verdict = await VerdictGate.ApplyAsync(OneHigh(), settings, inputs.RequireVerdict(), null, TimeProvider.System, CancellationToken.None);

        // The default policy (no high) would fail this image; the loaded one allows five.
        Assert.True(verdict.Passed);
        Assert.Equal(5, inputs.RequireVerdict().Policy.FailOn.High);
        Assert.Equal(Path.Combine(_root.Path, "reports"), inputs.RequireVerdict().ReportsDirectory);
    }

    [Fact]
    public async Task A_run_checks_the_inputs_of_every_scheduled_target_and_only_those()
    {
        var settings = Settings() with { ProdRegistry = "not a host/prod", ImageDigest = Digest };

        // AwaitScan alone does not read --prod-registry; Promote after it does, before AwaitScan starts waiting.
        var awaitOnly = await PipelinePreflight.CheckAsync(settings, ["AwaitScan"], CancellationToken.None);
        var error = await Assert.ThrowsAsync<PipelineException>(() => PipelinePreflight.CheckAsync(settings, ["AwaitScan", "Promote"], CancellationToken.None));

        Assert.NotNull(awaitOnly.Console);
        Assert.Null(awaitOnly.Build);
        Assert.Contains("--prod-registry", error.Message);
        Assert.Contains("nothing was built or pushed", error.Message);
    }

    [Fact]
    public async Task Without_PushDev_in_the_run_an_image_to_wait_for_is_required()
    {
        var error = await Assert.ThrowsAsync<PipelineException>(() => PipelinePreflight.CheckAsync(Settings(), PipelineTargets.AwaitScan, CancellationToken.None));

        Assert.Contains("no image to wait for or promote", error.Message);
        Assert.Contains("--image-digest", error.Message);
        Assert.Contains("run PushDev first", error.Message);
    }

    [Fact]
    public async Task Every_problem_is_listed_once_naming_its_switch()
    {
        var settings = Settings() with
        {
            ImageDigest = "sha256:short", FailOn = "critical=abc", ReportFormats = ["pdf"], ScanTimeout = "soon",
            ConsoleUrl = "ftp://console", ConsoleCaCert = "missing-ca.pem", Tag = "bad tag!",
        };

        var error = await Assert.ThrowsAsync<PipelineException>(() => PipelinePreflight.CheckAsync(settings, ["AwaitScan", "Promote"], CancellationToken.None));

        var lines = error.Message.Split('\n').Skip(1).Select(l => l.Trim()).ToList();
        Assert.StartsWith("7 inputs are wrong", error.Message);
        foreach (var name in new[] { "--image-digest", "--fail-on", "--report-formats", "--scan-timeout", "--console-url", "--console-ca-cert", "--tag" })
            Assert.Single(lines, l => l.StartsWith("- " + name, StringComparison.Ordinal) || (l.Contains(name, StringComparison.Ordinal) && l.StartsWith("- ", StringComparison.Ordinal)));
        Assert.DoesNotContain("preflight-test-password", error.Message);
    }
}
