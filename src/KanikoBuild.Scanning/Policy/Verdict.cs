namespace KanikoBuild.Scanning;

/// <summary>
/// Counts for one severity: every finding, those counted against the limit, and why the rest were not
/// (<see cref="Allowed"/>; <see cref="WithoutFix"/>, left out by <c>onlyFixed</c>). <see cref="Unfixed"/> is what the
/// reports' "no fix" column shows: every finding of the severity that has no fix, whether or not it was counted.
/// </summary>
public sealed record SeverityCount(Severity Severity, int Total, int Counted, int Allowed, int WithoutFix, int? Limit)
{
    /// <summary>
    /// Findings with no fix: any status but "fixed in …"/"fixed" (deferred, will not fix, open, needed, none). Zero
    /// beside a finding the tables mark "no fix (deferred)" read as a contradiction, so this never depends on the policy.
    /// </summary>
    public int Unfixed { get; init; }

    public bool OverLimit => Limit is { } limit && Counted > limit;
}

/// <summary>A finding the allow-list accepted, with the entry (and so its reason and expiry).</summary>
public sealed record AllowedFinding(Vulnerability Finding, AllowEntry Entry);

/// <summary>A finding whose allow entry has expired: it counts again, and the reports say so.</summary>
public sealed record ExpiredAllowance(Vulnerability Finding, AllowEntry Entry);

/// <summary>The outcome of <see cref="PolicyEvaluator.Evaluate"/>: pass or fail, and every reason.</summary>
public sealed record Verdict
{
    public required bool Passed { get; init; }

    /// <summary>Every reason the verdict failed (empty when it passed), one sentence each.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>Critical, high, medium, low, unknown, in that order.</summary>
    public required IReadOnlyList<SeverityCount> VulnerabilityCounts { get; init; }

    public required IReadOnlyList<SeverityCount> ComplianceCounts { get; init; }

    /// <summary>The counted findings of every severity over its limit: what to fix for the build to pass.</summary>
    public required IReadOnlyList<Vulnerability> FailingFindings { get; init; }

    public required IReadOnlyList<ComplianceIssue> FailingCompliance { get; init; }

    public required IReadOnlyList<AllowedFinding> AllowedFindings { get; init; }

    /// <summary>Counted findings whose allow entry expired (they are in the counts again).</summary>
    public required IReadOnlyList<ExpiredAllowance> ExpiredAllowances { get; init; }

    /// <summary>Findings left out of the counts because they have no fix and the policy has <c>onlyFixed</c>.</summary>
    public required IReadOnlyList<Vulnerability> WithoutFix { get; init; }

    /// <summary>Remarks that do not change the verdict (several results in a file, unused or expired entries).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    public required ScanPolicy Policy { get; init; }

    /// <summary>The evaluation day (allow-list expiry is compared with it).</summary>
    public required DateOnly EvaluatedOn { get; init; }

    public int CountedTotal => VulnerabilityCounts.Sum(c => c.Counted);
}
