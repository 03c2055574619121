namespace KanikoBuild.Scanning;

/// <summary>
/// The most findings of each severity a build may have; null means no limit. Unknown severities have no key in the
/// policy file (its shape is fixed), so they never fail a build on their own; they are still reported.
/// </summary>
public sealed record SeverityLimits(int? Critical = null, int? High = null, int? Medium = null, int? Low = null)
{
    /// <summary>No limit on any severity.</summary>
    public static SeverityLimits None { get; } = new();

    public int? For(Severity severity) => severity switch
    {
        Severity.Critical => Critical,
        Severity.High => High,
        Severity.Medium => Medium,
        Severity.Low => Low,
        _ => null,
    };

    public SeverityLimits With(Severity severity, int? limit) => severity switch
    {
        Severity.Critical => this with { Critical = limit },
        Severity.High => this with { High = limit },
        Severity.Medium => this with { Medium = limit },
        Severity.Low => this with { Low = limit },
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "Only critical, high, medium and low have limits."),
    };

    public override string ToString() =>
        string.Join(", ", new[] { Severity.Critical, Severity.High, Severity.Medium, Severity.Low }
            .Select(s => $"{s.Name()}={(For(s) is { } l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}"));
}
