namespace KanikoBuild.Prisma.Results;

/// <summary>
/// Prisma's severities are an open set (critical, high, important, medium, moderate, low, unimportant,
/// negligible, unreviewed, unassigned, and whatever comes next: prisma.md §1.5). Mapped, never rejected.
/// </summary>
public static class ComputeSeverity
{
    public const string Critical = "critical";
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";
    public const string Unknown = "unknown";

    public static string Normalise(string? severity) => severity?.Trim().ToLowerInvariant() switch
    {
        "critical" => Critical,
        "high" or "important" => High,
        "medium" or "moderate" => Medium,
        "low" or "unimportant" or "negligible" => Low,
        _ => Unknown,
    };
}
