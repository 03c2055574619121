using KanikoBuild.Prisma.Results;

namespace KanikoBuild.Prisma.Waiting;

public sealed record ScanVerdict(bool Passed, string Summary);

/// <summary>
/// PROVISIONAL (until the policy and reports of issue 6 land): fail on any critical or high vulnerability.
/// Replace <see cref="Evaluate"/>'s one call site in <see cref="AwaitScanCommand"/> with the real policy.
/// </summary>
public static class ProvisionalVerdict
{
    public static ScanVerdict Evaluate(RegistryScanEntry entry)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var listed = JsonLenient.Array(entry.Raw, "vulnerabilities").ToList();
        foreach (var vulnerability in listed)
        {
            var bucket = ComputeSeverity.Normalise(JsonLenient.String(vulnerability, "severity"));
            counts[bucket] = counts.GetValueOrDefault(bucket) + 1;
        }
        // A compact result carries only the distribution.
        var critical = Math.Max(counts.GetValueOrDefault(ComputeSeverity.Critical), entry.Distribution?.Critical ?? 0);
        var high = Math.Max(counts.GetValueOrDefault(ComputeSeverity.High), entry.Distribution?.High ?? 0);
        var medium = Math.Max(counts.GetValueOrDefault(ComputeSeverity.Medium), entry.Distribution?.Medium ?? 0);
        var low = Math.Max(counts.GetValueOrDefault(ComputeSeverity.Low), entry.Distribution?.Low ?? 0);
        var unknown = counts.GetValueOrDefault(ComputeSeverity.Unknown);
        var summary = $"{critical} critical, {high} high, {medium} medium, {low} low, {unknown} unrated";
        return new ScanVerdict(critical == 0 && high == 0, summary);
    }
}
