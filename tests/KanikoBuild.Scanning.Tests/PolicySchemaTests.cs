using System.Text.Json;
using Json.Schema;
using KanikoBuild.Testing;

namespace KanikoBuild.Scanning.Tests;

/// <summary>docs/scan-policy.schema.json documents the same file the loader accepts.</summary>
public class PolicySchemaTests
{
    static readonly JsonSchema s_schema = JsonSchema.FromText(File.ReadAllText(RepositoryRoot.Combine("docs", "scan-policy.schema.json")));

    static bool Valid(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return s_schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List }).IsValid;
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"failOn": {"critical": 0, "high": 0, "medium": null, "low": null}, "compliance": {"critical": 0}, "onlyFixed": false, "consoleVerdict": true, "allow": [{"id": "CVE-2024-1234", "reason": "…", "expires": "2026-12-31"}]}""")]
    [InlineData("""{"failOn": null, "allow": null}""")]
    public void Files_the_loader_accepts_are_valid(string json)
    {
        Assert.True(Valid(json));
        ScanPolicy.Parse(json); // and the loader agrees
    }

    [Fact]
    public void The_repository_sample_is_valid()
    {
        Assert.True(Valid(File.ReadAllText(RepositoryRoot.Combine(".nuke", "scan-policy.json"))));
    }

    [Theory]
    [InlineData("""{"failOn": {"high": -1}}""")]
    [InlineData("""{"failOn": {"severe": 0}}""")]
    [InlineData("""{"failOn": {"high": 1.5}}""")]
    [InlineData("""{"failon": {}}""")]
    [InlineData("""{"allow": [{"id": "CVE-1", "expires": "2026-01-01"}]}""")]
    [InlineData("""{"allow": [{"id": "CVE-1", "reason": "r", "expires": "31.12.2026"}]}""")]
    [InlineData("""{"onlyFixed": "yes"}""")]
    public void Files_the_loader_rejects_are_invalid(string json)
    {
        Assert.False(Valid(json));
        Assert.Throws<PipelineException>(() => ScanPolicy.Parse(json));
    }
}
