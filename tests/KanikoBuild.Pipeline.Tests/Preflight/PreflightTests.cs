using System.Text.Json;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Prisma;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.Preflight;

/// <summary>The preflight on its own: which inputs each run checks, and that what it parsed is what the targets use.</summary>
public sealed class PreflightTests : IDisposable
{
    const string Digest = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    readonly TempDirectory _root = new("kanikobuild-preflight-");

    public void Dispose() => _root.Dispose();

    PipelineOptions Options() => new()
    {
        Console = new ConsoleOptions { Url = new Uri("https://console.example.com:8083"), User = "ci", Password = "preflight-test-password" },
        Registries = new RegistryOptions { Dev = RegistrySpec.Parse("registry.example.com/dev"), Prod = RegistrySpec.Parse("registry.example.com/prod") },
        Image = new ImageOptions { Name = "team/app", Tag = "1.0" },
        Verdict = new VerdictOptions { ReportsDir = "reports" },
    };

    PipelineRun Run(PipelineOptions options) => new(_root.Path, _root.Combine(".nuke", "temp"), options);

    static ScanResult OneHigh() => ScanResultReader.FromRegistryEntry(JsonDocument.Parse("""
        { "_id": "registry.example.com/dev/team/app:1.0", "scanTime": "2026-11-28T01:00:00Z",
          "repoTag": { "registry": "registry.example.com", "repo": "dev/team/app", "tag": "1.0" },
          "vulnerabilities": [ { "cve": "CVE-2026-0001", "severity": "high", "packageName": "openssl", "packageVersion": "1.0", "status": "fixed in 1.1" } ] }
        """).RootElement);

    [Fact]
    public async Task The_verdict_applies_the_policy_the_preflight_loaded_without_reading_the_file_again()
    {
        var policyFile = _root.Write("policy.json", """{ "failOn": { "critical": 0, "high": 5 } }""");
        var options = Options() with { Verdict = new VerdictOptions { Policy = "policy.json", ReportsDir = "reports" }, Image = Options().Image with { Digest = Registry.Digest.Parse(Digest) } };

        var inputs = await PipelinePreflight.CheckAsync(Run(options), PipelineTargets.AwaitScan, CancellationToken.None);
        File.WriteAllText(policyFile, "{ not a policy any more");
        var result = OneHigh();
        var verdict = await VerdictGate.ApplyAsync(result, ImageIdentity.OfScan(result), inputs.RequireVerdict(), _root.Path, null, TimeProvider.System, CancellationToken.None);

        // The default policy (no high) would fail this image; the loaded one allows five.
        Assert.True(verdict.Passed);
        Assert.Equal(5, inputs.RequireVerdict().Policy.FailOn.High);
        Assert.Equal(Path.Combine(_root.Path, "reports"), inputs.RequireVerdict().ReportsDirectory);
    }

    [Fact]
    public async Task The_fail_on_limits_replace_the_policy_files_for_the_severities_named()
    {
        _root.Write("policy.json", """{ "failOn": { "critical": 0, "high": 5, "medium": 9 } }""");
        var options = Options() with
        {
            Verdict = new VerdictOptions { Policy = "policy.json", FailOn = FailOnLimits.Parse("high=1,medium=none") },
            Image = Options().Image with { Digest = Registry.Digest.Parse(Digest) },
        };

        var policy = (await PipelinePreflight.CheckAsync(Run(options), PipelineTargets.AwaitScan, CancellationToken.None)).RequireVerdict().Policy;

        Assert.Equal((0, 1, (int?)null), (policy.FailOn.Critical, policy.FailOn.High, policy.FailOn.Medium));
        Assert.Equal("high=1,medium=none", policy.FailOnOverride);
    }

    [Fact]
    public async Task A_run_checks_the_inputs_of_every_scheduled_target_and_only_those()
    {
        var options = Options() with { Registries = Options().Registries with { Prod = null }, Image = Options().Image with { Digest = Registry.Digest.Parse(Digest) } };

        // AwaitScan alone does not read --prod-registry; Promote after it does, before AwaitScan starts waiting.
        var awaitOnly = await PipelinePreflight.CheckAsync(Run(options), ["AwaitScan"], CancellationToken.None);
        var error = await Assert.ThrowsAsync<PipelineException>(() => PipelinePreflight.CheckAsync(Run(options), ["AwaitScan", "Promote"], CancellationToken.None));

        Assert.NotNull(awaitOnly.Console);
        Assert.Null(awaitOnly.Build);
        Assert.Contains("--prod-registry", error.Message);
        Assert.Contains("nothing was built or pushed", error.Message);
    }

    [Fact]
    public async Task Without_PushDev_in_the_run_an_image_to_wait_for_is_required()
    {
        var error = await Assert.ThrowsAsync<PipelineException>(() => PipelinePreflight.CheckAsync(Run(Options()), PipelineTargets.AwaitScan, CancellationToken.None));

        Assert.Contains("no image to wait for or promote", error.Message);
        Assert.Contains("--image-digest", error.Message);
        Assert.Contains("run PushDev first", error.Message);
    }

    [Fact]
    public async Task Every_problem_is_listed_once_naming_its_parameter()
    {
        // What the types let through and only the preflight can judge; values that do not even convert (a short
        // digest, 'critical=abc') are the engine's, reported in the same list: BindingEndToEndTests.
        var options = Options() with
        {
            Console = Options().Console with { Url = new Uri("ftp://console"), CaCert = "missing-ca.pem" },
            Image = Options().Image with { Tag = "bad tag!", PromoteTags = ["also bad!"] },
            Wait = new ScanWaitOptions { ScanTimeout = TimeSpan.Zero },
        };

        var error = await Assert.ThrowsAsync<PipelineException>(() => PipelinePreflight.CheckAsync(Run(options), ["AwaitScan", "Promote"], CancellationToken.None));

        var lines = error.Message.Split('\n').Skip(1).Select(l => l.Trim()).ToList();
        Assert.StartsWith("6 inputs are wrong", error.Message);
        foreach (var name in new[] { "--console-url", "--console-ca-cert", "--tag", "--promote-tags", "--scan-timeout", "--image-digest" })
            Assert.Single(lines, l => l.StartsWith("- " + name, StringComparison.Ordinal) || (l.Contains(name, StringComparison.Ordinal) && l.StartsWith("- ", StringComparison.Ordinal)));
        Assert.DoesNotContain("preflight-test-password", error.Message);
    }

    [Fact]
    public async Task A_missing_secret_is_named_by_its_environment_variable_not_a_switch()
    {
        var options = Options() with { Console = Options().Console with { Password = null }, Image = Options().Image with { Digest = Registry.Digest.Parse(Digest) } };

        var error = await Assert.ThrowsAsync<PipelineException>(() => PipelinePreflight.CheckAsync(Run(options), PipelineTargets.AwaitScan, CancellationToken.None));

        Assert.Contains("CONSOLE_PASSWORD is required", error.Message);
        Assert.Contains("set the environment variable CONSOLE_PASSWORD", error.Message);
        Assert.DoesNotContain("--console-password", error.Message);
    }

    [Theory]
    [InlineData("PushDev")]
    [InlineData("ReleaseBuild")]
    [InlineData("Promote")]
    public async Task A_registry_user_without_a_password_is_refused_for_every_target_that_reaches_a_registry(string target)
    {
        _root.Write("Dockerfile", "FROM busybox\n");
        var options = Options() with
        {
            Registries = Options().Registries with { DevUser = "ci" },
            Image = Options().Image with { Digest = Registry.Digest.Parse(Digest) },
            Input = new Building.BuildInputOptions { Destinations = [ImageReference.Parse("registry.example.com/release/app:1")] },
        };

        var error = await Assert.ThrowsAsync<PipelineException>(() => PipelinePreflight.CheckAsync(Run(options), [target], CancellationToken.None));

        Assert.Contains("--dev-registry-user is given without DEV_REGISTRY_PASSWORD", error.Message);
        Assert.Contains("nothing was built or pushed", error.Message);
    }

    [Fact]
    public async Task Promote_checks_its_image_and_tags_before_any_request()
    {
        var options = Options() with { Image = new ImageOptions { Name = "", Tag = "bad tag", Digest = Registry.Digest.Parse(Digest) } };

        var error = await Assert.ThrowsAsync<PipelineException>(() => PipelinePreflight.CheckAsync(Run(options), PipelineTargets.Promote, CancellationToken.None));

        Assert.Contains("--image is required", error.Message);
        Assert.Contains("The tag 'bad tag' is not valid", error.Message);
    }
}
