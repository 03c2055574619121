namespace KanikoBuild.Scanning.Tests;

public class SeverityTests
{
    [Theory]
    [InlineData("critical", Severity.Critical)]
    [InlineData("CRITICAL", Severity.Critical)]
    [InlineData(" Critical ", Severity.Critical)]
    [InlineData("high", Severity.High)]
    [InlineData("important", Severity.High)]
    [InlineData("medium", Severity.Medium)]
    [InlineData("moderate", Severity.Medium)]
    [InlineData("low", Severity.Low)]
    [InlineData("unimportant", Severity.Low)]
    [InlineData("negligible", Severity.Low)]
    [InlineData("unreviewed", Severity.Unknown)]
    [InlineData("unassigned", Severity.Unknown)]
    [InlineData("a-value-prisma-invents-next-year", Severity.Unknown)]
    [InlineData("", Severity.Unknown)]
    [InlineData(null, Severity.Unknown)]
    public void Every_spelling_maps_and_none_throws(string? raw, Severity expected) =>
        Assert.Equal(expected, Severities.Normalise(raw));

    [Fact]
    public void Limit_keys_are_the_four_limited_severities_only()
    {
        Assert.True(Severities.TryParseLimitKey("high", out var high));
        Assert.Equal(Severity.High, high);
        Assert.False(Severities.TryParseLimitKey("unknown", out _));
        Assert.False(Severities.TryParseLimitKey("important", out _));
    }
}
