using System.Text.RegularExpressions;

namespace KanikoBuild.Signing;

/// <summary>
/// What a signature says about the image it signs: the gate's verdict, by which scanner, when, where the full
/// result lives, how many findings of each severity, and under which policy. The pipeline maps its own verdict
/// onto this record; the signing code depends on nothing else.
/// </summary>
public sealed partial record VerdictClaims
{
    public VerdictClaims(bool passed, ScannerInfo scanner, IReadOnlyList<SeverityCount> counts, string policyDigest)
    {
        Passed = passed;
        Scanner = scanner;
        Counts = Validate(counts);
        PolicyDigest = KanikoBuild.Registry.Digest.Parse(policyDigest, "policy digest");
    }

    public bool Passed { get; }

    public ScannerInfo Scanner { get; }

    /// <summary>Findings by severity, highest first, as the policy counted them.</summary>
    public IReadOnlyList<SeverityCount> Counts { get; }

    /// <summary><c>sha256:…</c> of the policy the verdict was reached under (see <see cref="PolicyDigests"/>).</summary>
    public string PolicyDigest { get; }

    /// <summary>When the scanner looked at the image (the scan, not the signature).</summary>
    public DateTimeOffset? ScanTime { get; init; }

    /// <summary>The scan's page in the Prisma Cloud Console.</summary>
    public Uri? ConsoleUrl { get; init; }

    public int CountOf(string severity) => Counts.FirstOrDefault(c => c.Severity == severity)?.Count ?? 0;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex SeverityName();

    static IReadOnlyList<SeverityCount> Validate(IReadOnlyList<SeverityCount> counts)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var count in counts)
        {
            if (!SeverityName().IsMatch(count.Severity))
                throw new ArgumentException($"The severity '{count.Severity}' is not a lower-case name (a-z, 0-9, '-').", nameof(counts));
            if (count.Count < 0)
                throw new ArgumentException($"The count of '{count.Severity}' findings is negative ({count.Count}).", nameof(counts));
            if (!seen.Add(count.Severity))
                throw new ArgumentException($"The severity '{count.Severity}' is counted twice.", nameof(counts));
        }
        return counts.ToList();
    }

    internal static bool IsSeverityName(string name) => SeverityName().IsMatch(name);

    public bool Equals(VerdictClaims? other) =>
        other is not null && Passed == other.Passed && Scanner == other.Scanner && PolicyDigest == other.PolicyDigest
        && ScanTime == other.ScanTime && ConsoleUrl == other.ConsoleUrl && Counts.SequenceEqual(other.Counts);

    public override int GetHashCode() => HashCode.Combine(Passed, Scanner, PolicyDigest, ScanTime, ConsoleUrl, Counts.Count);
}

/// <summary>The scanner that produced the result (e.g. <c>twistcli</c> 32.07.123, or the Console's registry scan).</summary>
public sealed record ScannerInfo(string Name, string? Version = null);

/// <summary>Findings of one severity (<c>critical</c>, <c>high</c>, …: the policy's lower-case names).</summary>
public sealed record SeverityCount(string Severity, int Count);
