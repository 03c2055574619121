using static KanikoBuild.Scanning.Tests.Fixtures;

namespace KanikoBuild.Scanning.Tests;

public class PolicyEvaluatorTests
{
    static readonly DateOnly Today = new(2026, 11, 28);

    static Verdict Evaluate(ScanResult result, ScanPolicy? policy = null) => PolicyEvaluator.Evaluate(result, policy ?? ScanPolicy.Default, Today);

    [Fact]
    public void Defaults_fail_on_a_critical_and_pass_on_medium_and_low()
    {
        var failed = Evaluate(Result(Finding("CVE-2024-0001", Severity.Critical, "openssl", "1.0", "fixed in 1.1")));
        Assert.False(failed.Passed);
        var reason = Assert.Single(failed.Reasons);
        Assert.Equal("1 critical vulnerability counted, limit 0: CVE-2024-0001", reason);
        Assert.Equal(["CVE-2024-0001"], failed.FailingFindings.Select(f => f.Id));

        var passed = Evaluate(Result(Finding("CVE-1", Severity.Medium), Finding("CVE-2", Severity.Low), Finding("CVE-3", Severity.Unknown)));
        Assert.True(passed.Passed);
        Assert.Empty(passed.Reasons);
        Assert.Empty(passed.FailingFindings);
    }

    [Fact]
    public void A_limit_is_the_most_allowed_and_every_counted_finding_of_a_failing_severity_is_listed()
    {
        var policy = ScanPolicy.Default with { FailOn = new SeverityLimits(High: 2) };
        Assert.True(Evaluate(Result(Finding("CVE-1", Severity.High), Finding("CVE-2", Severity.High)), policy).Passed);

        var verdict = Evaluate(Result(Finding("CVE-1", Severity.High), Finding("CVE-2", Severity.High), Finding("CVE-3", Severity.High), Finding("CVE-4", Severity.Critical)), policy);
        Assert.False(verdict.Passed);
        Assert.Equal(["CVE-1", "CVE-2", "CVE-3"], verdict.FailingFindings.Select(f => f.Id).Order());
        var high = verdict.VulnerabilityCounts.Single(c => c.Severity == Severity.High);
        Assert.Equal((3, 3, 0, 0, (int?)2, true), (high.Total, high.Counted, high.Allowed, high.WithoutFix, high.Limit, high.OverLimit));
        Assert.False(verdict.VulnerabilityCounts.Single(c => c.Severity == Severity.Critical).OverLimit); // no critical limit here
    }

    [Fact]
    public void Every_reason_is_listed()
    {
        var result = Result(Finding("CVE-C", Severity.Critical), Finding("CVE-H", Severity.High)) with
        {
            VulnerabilityScanPassed = false,
            ComplianceScanPassed = false,
            ComplianceIssues = [new ComplianceIssue { Id = 41, Severity = Severity.High, Title = "Image should be created with a non-root user" }],
        };
        var policy = ScanPolicy.Default with { Compliance = new SeverityLimits(High: 0) };
        var verdict = Evaluate(result, policy);

        Assert.False(verdict.Passed);
        Assert.Equal(5, verdict.Reasons.Count);
        Assert.Contains(verdict.Reasons, r => r.StartsWith("1 critical vulnerability counted", StringComparison.Ordinal));
        Assert.Contains(verdict.Reasons, r => r.StartsWith("1 high vulnerability counted", StringComparison.Ordinal));
        Assert.Contains("1 high compliance issue, limit 0: 41 Image should be created with a non-root user", verdict.Reasons);
        Assert.Contains(verdict.Reasons, r => r.StartsWith("the Console's own vulnerability verdict is failed", StringComparison.Ordinal));
        Assert.Contains(verdict.Reasons, r => r.StartsWith("the Console's own compliance verdict is failed", StringComparison.Ordinal));
        Assert.Single(verdict.FailingCompliance);
        Assert.StartsWith("Scan verdict for registry.example.com/team/app:1.0: FAILED, ", PolicyEvaluator.OneLine(result, verdict), StringComparison.Ordinal);
    }

    [Fact]
    public void The_console_verdict_can_be_turned_off_and_an_absent_flag_never_fails()
    {
        var result = Result(Finding("CVE-L", Severity.Low)) with { VulnerabilityScanPassed = false, ComplianceScanPassed = false };
        Assert.False(Evaluate(result).Passed);
        Assert.True(Evaluate(result, ScanPolicy.Default with { ConsoleVerdict = false }).Passed);
        Assert.True(Evaluate(result with { VulnerabilityScanPassed = null, ComplianceScanPassed = null }).Passed);
        Assert.True(Evaluate(result with { VulnerabilityScanPassed = true, ComplianceScanPassed = true }).Passed);
    }

    [Fact]
    public void Only_fixed_counts_only_findings_with_a_fix()
    {
        var result = Result(
            Finding("CVE-NOFIX", Severity.Critical, status: "deferred"),
            Finding("CVE-NOSTATUS", Severity.Critical),
            Finding("CVE-FIX", Severity.High, status: "fixed in 2.0"));
        var policy = ScanPolicy.Default with { OnlyFixed = true };

        var verdict = Evaluate(result, policy);
        Assert.False(verdict.Passed);
        Assert.Equal(["CVE-FIX"], verdict.FailingFindings.Select(f => f.Id));
        Assert.Equal(["CVE-NOFIX", "CVE-NOSTATUS"], verdict.WithoutFix.Select(f => f.Id));
        var critical = verdict.VulnerabilityCounts.Single(c => c.Severity == Severity.Critical);
        Assert.Equal((2, 0, 2), (critical.Total, critical.Counted, critical.WithoutFix));

        Assert.True(Evaluate(result with { Vulnerabilities = result.Vulnerabilities.Take(2).ToList() }, policy).Passed);
        Assert.False(Evaluate(result with { Vulnerabilities = result.Vulnerabilities.Take(2).ToList() }).Passed);
    }

    [Fact]
    public void An_allow_entry_holds_through_its_expiry_day_case_insensitively_and_in_every_package()
    {
        var result = Result(Finding("CVE-2024-1234", Severity.Critical, "openssl"), Finding("CVE-2024-1234", Severity.Critical, "libssl3"));
        var policy = ScanPolicy.Default with { Allow = [new AllowEntry("cve-2024-1234", "not reachable", Today)] };

        var verdict = Evaluate(result, policy);
        Assert.True(verdict.Passed);
        Assert.Equal(2, verdict.AllowedFindings.Count);
        Assert.All(verdict.AllowedFindings, a => Assert.Equal("not reachable", a.Entry.Reason));
        Assert.Equal((2, 0, 2), verdict.VulnerabilityCounts.Where(c => c.Severity == Severity.Critical).Select(c => (c.Total, c.Counted, c.Allowed)).Single());
        Assert.Empty(verdict.ExpiredAllowances);
    }

    [Fact]
    public void An_expired_allow_entry_counts_again_and_says_so()
    {
        var result = Result(Finding("CVE-2024-1234", Severity.Critical, "openssl"));
        var policy = ScanPolicy.Default with { Allow = [new AllowEntry("CVE-2024-1234", "waiting for upstream", Today.AddDays(-1))] };

        var verdict = Evaluate(result, policy);
        Assert.False(verdict.Passed);
        Assert.Empty(verdict.AllowedFindings);
        var expired = Assert.Single(verdict.ExpiredAllowances);
        Assert.Equal(Today.AddDays(-1), expired.Entry.Expires);
        Assert.Equal("1 critical vulnerability counted, limit 0: CVE-2024-1234; counted again because the allow entry expired: CVE-2024-1234 (allowed until 2026-11-27)", Assert.Single(verdict.Reasons));
    }

    [Fact]
    public void An_expired_entry_under_a_lifted_limit_still_shows_as_a_note()
    {
        var result = Result(Finding("CVE-M", Severity.Medium));
        var policy = ScanPolicy.Default with { Allow = [new AllowEntry("CVE-M", "r", Today.AddDays(-10)), new AllowEntry("CVE-GONE", "r", Today.AddDays(-3)), new AllowEntry("CVE-UNUSED", "r", Today.AddDays(30))] };
        var verdict = Evaluate(result, policy);
        Assert.True(verdict.Passed);
        Assert.Single(verdict.ExpiredAllowances);
        Assert.Contains(verdict.Notes, n => n.Contains("CVE-M (expired 2026-11-18)", StringComparison.Ordinal));
        Assert.Contains(verdict.Notes, n => n.StartsWith("Expired allow entries with no counted finding", StringComparison.Ordinal) && n.Contains("CVE-GONE", StringComparison.Ordinal));
        Assert.Contains(verdict.Notes, n => n.StartsWith("Allow entries that matched no finding", StringComparison.Ordinal) && n.Contains("CVE-UNUSED", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cve_in_two_packages_counts_twice_and_a_verbatim_repeat_once()
    {
        var policy = ScanPolicy.Default with { FailOn = new SeverityLimits(High: 1) };
        var twoPackages = Result(Finding("CVE-1000", Severity.High, "openssl"), Finding("CVE-1000", Severity.High, "openssl-dev"));
        var repeated = Result(Finding("CVE-1000", Severity.High, "openssl"), Finding("CVE-1000", Severity.High, "openssl"));

        Assert.False(Evaluate(twoPackages, policy).Passed);
        Assert.Equal(2, Evaluate(twoPackages, policy).FailingFindings.Count);
        var verdict = Evaluate(repeated, policy);
        Assert.True(verdict.Passed);
        Assert.Equal(1, verdict.VulnerabilityCounts.Single(c => c.Severity == Severity.High).Total);
    }

    [Fact]
    public void Unknown_severities_never_fail_even_under_zero_limits()
    {
        var policy = ScanPolicy.Default with { FailOn = new SeverityLimits(0, 0, 0, 0) };
        var verdict = Evaluate(Result(Finding("CVE-U", Severity.Unknown)), policy);
        Assert.True(verdict.Passed);
        Assert.Equal(1, verdict.VulnerabilityCounts.Single(c => c.Severity == Severity.Unknown).Counted);
    }

    [Fact]
    public void Compliance_issues_do_not_fail_under_the_default_policy()
    {
        var result = Result() with { ComplianceIssues = [new ComplianceIssue { Id = 41, Severity = Severity.Critical }] };
        Assert.True(Evaluate(result).Passed);
        Assert.False(Evaluate(result, ScanPolicy.Default with { Compliance = new SeverityLimits(Critical: 0) }).Passed);
    }

    [Fact]
    public void The_documented_twistcli_file_fails_the_default_policy_for_three_reasons()
    {
        var verdict = Evaluate(Twistcli("twistcli-documented.json"));
        Assert.False(verdict.Passed);
        Assert.Equal(3, verdict.Reasons.Count);
        Assert.Equal(["CVE-2023-45853", "CVE-2023-44487"], verdict.FailingFindings.Select(f => f.Id));
    }

    [Fact]
    public void The_awkward_file_counts_severities_after_mapping()
    {
        var verdict = Evaluate(Twistcli("twistcli-awkward.json"), ScanPolicy.Default with { ConsoleVerdict = false });
        var counts = verdict.VulnerabilityCounts.ToDictionary(c => c.Severity, c => c.Total);
        Assert.Equal(1, counts[Severity.Critical]);
        Assert.Equal(3, counts[Severity.High]);     // important + CVE-2023-1000 in two packages (its verbatim repeat collapsed)
        Assert.Equal(1, counts[Severity.Medium]);
        Assert.Equal(3, counts[Severity.Low]);
        Assert.Equal(4, counts[Severity.Unknown]);  // unreviewed, unassigned, invented, missing
        Assert.Equal(12, verdict.VulnerabilityCounts.Sum(c => c.Total));
    }
}
