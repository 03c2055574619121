using KanikoBuild.Scanning;
using KanikoBuild.Testing;
using KanikoBuild.Tooling.Sandbox;

namespace KanikoBuild.Pipeline.Tests.SandboxParts;

/// <summary>Only a failed verdict is the failure a sample may expect; anything else fails the Sandbox.</summary>
public sealed class SandboxOutcomeTests
{
    static VerdictFailedException FailedVerdict()
    {
        var result = new ScanResult
        {
            Source = ScanSource.TwistcliFile,
            ImageName = "kanikobuild-20261128T100000Z-0a1b2c3d4e5f",
            Vulnerabilities = [new Vulnerability { Id = "CVE-2021-3711", Severity = Severity.Critical, PackageName = "openssl", PackageVersion = "1.1.1k-r0" }],
        };
        return new VerdictFailedException(result, PolicyEvaluator.Evaluate(result, ScanPolicy.Default, new DateOnly(2026, 11, 28)));
    }

    static async Task<SandboxOutcome> RunAsync(SandboxExpectation expected, Func<Task<string>> run)
    {
        using var root = new TempDirectory();
        var userRun = new PipelineRun(root.Path, root.Combine("temp"), new PipelineOptions());
        return await SandboxCommand.RunAlternativeAsync("A", "app-vulnerable", expected, userRun, new PipelineOptions(), root.Combine("reports"), _ => run());
    }

    [Fact]
    public async Task A_failed_verdict_is_the_expected_failure_and_names_the_CVEs()
    {
        var outcome = await RunAsync(SandboxExpectation.FailThePolicy, () => throw FailedVerdict());
        Assert.Equal(SandboxResult.FailedThePolicy, outcome.Result);
        Assert.True(outcome.AsExpected);
        Assert.Contains("CVE-2021-3711", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_other_failure_is_an_error_that_no_sample_expects()
    {
        var outcome = await RunAsync(SandboxExpectation.FailThePolicy, () => throw new PipelineException("--fail-on 'critical=abc': the limit 'abc' for critical is not a whole number ≥ 0 (or 'none')."));
        Assert.Equal(SandboxResult.Error, outcome.Result);
        Assert.False(outcome.AsExpected);
        Assert.False((await RunAsync(SandboxExpectation.AsThePolicyDecides, () => throw new PipelineException("twistcli failed"))).AsExpected);
    }

    [Fact]
    public async Task Under_the_users_policy_a_pass_and_a_policy_failure_are_both_fine_and_a_pass_is_still_checked_by_default()
    {
        Assert.True((await RunAsync(SandboxExpectation.AsThePolicyDecides, () => Task.FromResult("released"))).AsExpected);
        Assert.True((await RunAsync(SandboxExpectation.AsThePolicyDecides, () => throw FailedVerdict())).AsExpected);
        Assert.False((await RunAsync(SandboxExpectation.FailThePolicy, () => Task.FromResult("released"))).AsExpected);
        Assert.False((await RunAsync(SandboxExpectation.Pass, () => throw FailedVerdict())).AsExpected);
    }
}
