namespace KanikoBuild.Scanning;

/// <summary>A failed compliance check (e.g. 41 "Image should be created with a non-root user").</summary>
public sealed record ComplianceIssue
{
    /// <summary>Prisma's numeric check id; null when the input had none or a non-numeric one.</summary>
    public long? Id { get; init; }

    public string? RawSeverity { get; init; }
    public Severity Severity { get; init; }
    public string? Title { get; init; }
    public string? Cause { get; init; }
    public string? Description { get; init; }
    public string? Category { get; init; }
}
