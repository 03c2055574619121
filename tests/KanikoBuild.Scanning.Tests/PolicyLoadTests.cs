using KanikoBuild.Testing;

namespace KanikoBuild.Scanning.Tests;

public class PolicyLoadTests
{
    [Fact]
    public async Task An_absent_default_file_means_the_defaults()
    {
        using var dir = new TempDirectory();
        var policy = await ScanPolicy.LoadAsync(rootDirectory: dir.Path);
        Assert.Equal(new SeverityLimits(0, 0, null, null), policy.FailOn);
        Assert.Equal(SeverityLimits.None, policy.Compliance);
        Assert.False(policy.OnlyFixed);
        Assert.True(policy.ConsoleVerdict);
        Assert.Empty(policy.Allow);
        Assert.Null(policy.SourcePath);
    }

    [Fact]
    public async Task The_default_file_is_read_from_dot_nuke()
    {
        using var dir = new TempDirectory();
        dir.Write(".nuke/scan-policy.json", """{"failOn": {"high": 3}, "onlyFixed": true}""");
        var policy = await ScanPolicy.LoadAsync(rootDirectory: dir.Path);
        Assert.Equal(new SeverityLimits(0, 3, null, null), policy.FailOn); // critical keeps its default
        Assert.True(policy.OnlyFixed);
        Assert.Equal(dir.Combine(".nuke", "scan-policy.json"), policy.SourcePath);
    }

    [Fact]
    public async Task The_issue_example_reads_whole()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("policy.json", """
            {"failOn": {"critical": 0, "high": 0, "medium": null, "low": null}, "compliance": {"critical": 0},
             "onlyFixed": false, "consoleVerdict": true,
             "allow": [{"id": "CVE-2024-1234", "reason": "not reachable", "expires": "2026-12-31"}]}
            """);
        var policy = await ScanPolicy.LoadAsync(path);
        Assert.Equal(new SeverityLimits(0, 0, null, null), policy.FailOn);
        Assert.Equal(new SeverityLimits(Critical: 0), policy.Compliance);
        Assert.Equal([new AllowEntry("CVE-2024-1234", "not reachable", new DateOnly(2026, 12, 31))], policy.Allow);
    }

    [Fact]
    public async Task The_repository_sample_is_the_defaults()
    {
        var policy = await ScanPolicy.LoadAsync(rootDirectory: RepositoryRoot.Path);
        Assert.Equal(RepositoryRoot.Combine(".nuke", "scan-policy.json"), policy.SourcePath);
        Assert.Equal((ScanPolicy.Default.FailOn, ScanPolicy.Default.Compliance, ScanPolicy.Default.OnlyFixed, ScanPolicy.Default.ConsoleVerdict),
            (policy.FailOn, policy.Compliance, policy.OnlyFixed, policy.ConsoleVerdict));
        Assert.Empty(policy.Allow);
    }

    [Fact]
    public void Null_objects_and_values_mean_no_limit_or_default()
    {
        var policy = ScanPolicy.Parse("""{"failOn": null, "onlyFixed": null, "consoleVerdict": null, "allow": null}""");
        Assert.Equal(SeverityLimits.None, policy.FailOn);
        Assert.False(policy.OnlyFixed);
        Assert.True(policy.ConsoleVerdict);
        Assert.Empty(policy.Allow);
    }

    [Fact]
    public async Task An_explicit_path_that_does_not_exist_is_an_error()
    {
        using var dir = new TempDirectory();
        var e = await Assert.ThrowsAsync<PipelineException>(() => ScanPolicy.LoadAsync("missing.json", rootDirectory: dir.Path));
        Assert.Contains("'missing.json' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"failOn": {"high": -1}}""", "$.failOn.high -1 is negative")]
    [InlineData("""{"failOn": {"high": 1.5}}""", "$.failOn.high 1.5 is not a whole number")]
    [InlineData("""{"failOn": {"high": "5"}}""", "$.failOn.high must be a whole number ≥ 0 or null, not the string \"5\"")]
    [InlineData("""{"failOn": {"severe": 0}}""", "$.failOn.severe is not a severity key")]
    [InlineData("""{"failOn": {"High": 0}}""", "$.failOn.High is not a severity key; use critical, high, medium or low (lower case) (did you mean 'high'?")]
    [InlineData("""{"failOn": {"unknown": 0}}""", "$.failOn.unknown is not a severity key")]
    [InlineData("""{"failOn": [0]}""", "$.failOn must be an object")]
    [InlineData("""{"compliance": {"critical": -2}}""", "$.compliance.critical -2 is negative")]
    [InlineData("""{"onlyFixed": "yes"}""", "$.onlyFixed must be true or false")]
    [InlineData("""{"consoleVerdict": 1}""", "$.consoleVerdict must be true or false, not the number 1")]
    [InlineData("""{"failon": {}}""", "$.failon is not a policy key; the keys are failOn, compliance, onlyFixed, consoleVerdict, allow (did you mean 'failOn'?")]
    [InlineData("""{"allow": {}}""", "$.allow must be an array")]
    [InlineData("""{"allow": ["CVE-1"]}""", "$.allow[0] must be an object")]
    [InlineData("""{"allow": [{"id": "CVE-1", "expires": "2026-01-01"}]}""", "$.allow[0].reason is missing")]
    [InlineData("""{"allow": [{"id": "CVE-1", "reason": "  ", "expires": "2026-01-01"}]}""", "$.allow[0].reason is empty")]
    [InlineData("""{"allow": [{"reason": "r", "expires": "2026-01-01"}]}""", "$.allow[0].id is missing")]
    [InlineData("""{"allow": [{"id": "CVE-1", "reason": "r"}]}""", "$.allow[0].expires is missing")]
    [InlineData("""{"allow": [{"id": "CVE-1", "reason": "r", "expires": "31.12.2026"}]}""", "$.allow[0].expires '31.12.2026' is not a date")]
    [InlineData("""{"allow": [{"id": "CVE-1", "reason": "r", "expires": "2026-02-30"}]}""", "$.allow[0].expires '2026-02-30' is not a date")]
    [InlineData("""{"allow": [{"id": "CVE-1", "reason": "r", "expires": 20261231}]}""", "$.allow[0].expires must be a string")]
    [InlineData("""{"allow": [{"id": "CVE-1", "reason": "r", "expires": "2026-12-31", "until": "x"}]}""", "$.allow[0].until is not an allow-list key")]
    [InlineData("""{"allow": [{"id": "CVE-1", "reason": "r", "expires": "2026-12-31"}, {"id": "cve-1", "reason": "r", "expires": "2027-01-01"}]}""", "$.allow[1].id cve-1 is already allowed by $.allow[0]")]
    [InlineData("""[]""", "$ must be an object")]
    [InlineData("""{"failOn": {"high": 0, "high": 9}}""", "$.failOn.high is given twice")]
    [InlineData("""{"onlyFixed": true, "onlyFixed": false}""", "$.onlyFixed is given twice")]
    public void An_invalid_file_names_the_field_and_the_problem(string json, string expected)
    {
        var e = Assert.Throws<PipelineException>(() => ScanPolicy.Parse(json, "policy.json"));
        Assert.StartsWith("Scan policy 'policy.json': ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_policy_json_names_the_line()
    {
        var e = Assert.Throws<PipelineException>(() => ScanPolicy.Parse("{\n\"failOn\": {\"high\": }\n}", "p.json"));
        Assert.Contains("'p.json' is not valid JSON at line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_on_overrides_only_the_named_limits()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("p.json", """{"failOn": {"critical": 1, "high": 2, "medium": 3}}""");
        var policy = await ScanPolicy.LoadAsync(path, "high=5, medium=none,low=10");
        Assert.Equal(new SeverityLimits(1, 5, null, 10), policy.FailOn);
        Assert.Equal("high=5, medium=none,low=10", policy.FailOnOverride);

        var defaults = await ScanPolicy.LoadAsync(failOnOverride: "CRITICAL=0,high=5", rootDirectory: dir.Path);
        Assert.Equal(new SeverityLimits(0, 5, null, null), defaults.FailOn);
    }

    [Theory]
    [InlineData("critical", "'critical' is not severity=limit")]
    [InlineData("=3", "'=3' is not severity=limit")]
    [InlineData("severe=1", "'severe' is not a severity")]
    [InlineData("unknown=1", "'unknown' is not a severity")]
    [InlineData("high=-1", "the limit '-1' for high is not a whole number")]
    [InlineData("high=lots", "the limit 'lots' for high is not a whole number")]
    [InlineData("high=1,high=2", "'high' is given twice")]
    [InlineData(",,", "it names no severity")]
    public void Fail_on_errors_are_clear(string text, string expected)
    {
        var e = Assert.Throws<PipelineException>(() => FailOnParser.Apply(text, SeverityLimits.None));
        Assert.StartsWith($"--fail-on '{text}': ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
