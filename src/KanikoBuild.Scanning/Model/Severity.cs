namespace KanikoBuild.Scanning;

/// <summary>
/// The normalised severity. Closed on the output side only: every raw string Prisma sends maps to one of these,
/// and a string never seen before maps to <see cref="Unknown"/> instead of failing the read.
/// </summary>
public enum Severity
{
    Unknown = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

public static class Severities
{
    /// <summary>Highest first: the order of every table and report.</summary>
    public static IReadOnlyList<Severity> Descending { get; } = [Severity.Critical, Severity.High, Severity.Medium, Severity.Low, Severity.Unknown];

    /// <summary>
    /// Maps Prisma's open-ended severity strings (critical, high, important, medium, moderate, low, unimportant,
    /// negligible, unreviewed, unassigned, and whatever comes next) onto <see cref="Severity"/>.
    /// </summary>
    public static Severity Normalise(string? raw) => raw?.Trim().ToLowerInvariant() switch
    {
        "critical" => Severity.Critical,
        "high" or "important" => Severity.High,
        "medium" or "moderate" => Severity.Medium,
        "low" or "unimportant" or "negligible" => Severity.Low,
        _ => Severity.Unknown,
    };

    /// <summary>The lower-case name used in policy files, logs and JSON ("critical", …, "unknown").</summary>
    public static string Name(this Severity severity) => severity switch
    {
        Severity.Critical => "critical",
        Severity.High => "high",
        Severity.Medium => "medium",
        Severity.Low => "low",
        _ => "unknown",
    };

    /// <summary>Parses a policy key; only the four limited severities have one.</summary>
    public static bool TryParseLimitKey(string key, out Severity severity)
    {
        severity = key.Trim().ToLowerInvariant() switch
        {
            "critical" => Severity.Critical,
            "high" => Severity.High,
            "medium" => Severity.Medium,
            "low" => Severity.Low,
            _ => Severity.Unknown,
        };
        return severity != Severity.Unknown;
    }
}
