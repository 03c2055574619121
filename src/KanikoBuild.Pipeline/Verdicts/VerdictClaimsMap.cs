using System.Text.Json;
using KanikoBuild.Scanning;
using KanikoBuild.Signing;
using SignedCount = KanikoBuild.Signing.SeverityCount;

namespace KanikoBuild.Pipeline.Verdicts;

/// <summary>
/// The one place the pipeline's <see cref="Verdict"/> and <see cref="ScanResult"/> become what a signature says
/// (<see cref="VerdictClaims"/>), and the one place the policy's digest is taken.
/// </summary>
public static class VerdictClaimsMap
{
    /// <summary>The scanner name in a signed verdict: twistcli's own scan (A, C), or the Console's registry scan (B).</summary>
    public static ScannerInfo ScannerOf(ScanResult result) => result.Source == ScanSource.RegistryApi
        ? new ScannerInfo("prisma-cloud-registry-scan", result.ScannerVersion)
        : new ScannerInfo("twistcli", result.ScannerVersion);

    public static VerdictClaims From(ScanResult result, Verdict verdict, string policyDigest) =>
        new(verdict.Passed, ScannerOf(result),
            Severities.Descending.Select(s => new SignedCount(s.Name(), verdict.VulnerabilityCounts.FirstOrDefault(c => c.Severity == s)?.Counted ?? 0)).ToList(),
            policyDigest)
        {
            ScanTime = result.ScanTime,
            ConsoleUrl = Uri.TryCreate(result.ConsoleUrl, UriKind.Absolute, out var console) ? console : null,
        };

    /// <summary>
    /// The policy's digest (docs/signing.md): of the file's bytes when the policy is the file as written, else of
    /// the effective policy's canonical JSON (the built-in defaults, or a file whose limits --fail-on replaced).
    /// </summary>
    public static async Task<string> PolicyDigestAsync(ScanPolicy policy, CancellationToken ct)
    {
        if (policy.SourcePath is { } path && policy.FailOnOverride is null && File.Exists(path))
            return PolicyDigests.OfFile(await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false));
        var effective = JsonSerializer.SerializeToElement(new
        {
            failOn = Limits(policy.FailOn),
            compliance = Limits(policy.Compliance),
            onlyFixed = policy.OnlyFixed,
            consoleVerdict = policy.ConsoleVerdict,
            allow = policy.Allow.Select(a => new { id = a.Id, reason = a.Reason, expires = a.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }),
        });
        return PolicyDigests.OfEffectivePolicy(effective);
    }

    static Dictionary<string, int> Limits(SeverityLimits limits) =>
        new[] { Severity.Critical, Severity.High, Severity.Medium, Severity.Low }
            .Where(s => limits.For(s) is not null).ToDictionary(s => s.Name(), s => limits.For(s)!.Value);
}
