using KanikoBuild.Pipeline.ScanInBuild;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;

namespace KanikoBuild.Pipeline.Verdicts;

/// <summary>
/// The passing verdicts reached in this run, in memory only: a verdict counts for the digest it is about, never for
/// a file an earlier run left behind. Failing verdicts are never recorded. <see cref="ShippingGate"/> reads it.
/// </summary>
public sealed class VerdictLedger
{
    readonly List<PassedVerdict> _verdicts = [];
    readonly Lock _lock = new();

    /// <summary>B: the Console's passing verdict for exactly <paramref name="digest"/>.</summary>
    public PassedVerdict RecordForDigest(Digest digest, ScanResult result, Verdict verdict, string policyDigest) =>
        Add(new PassedVerdict(result, verdict, VerdictClaimsMap.From(result, verdict, policyDigest)) { ManifestDigest = digest });

    /// <summary>A: the scan build's passing verdict for the scanned stage, whose layers the release must equal.</summary>
    public PassedVerdict RecordScannedStage(IReadOnlyList<string> layers, ScanResult result, Verdict verdict, string policyDigest) =>
        Add(new PassedVerdict(result, verdict, VerdictClaimsMap.From(result, verdict, policyDigest)) { ScannedLayers = layers });

    /// <summary>C: the tarball scan's passing verdict for the image whose ID (its config's digest) is <paramref name="imageId"/>.</summary>
    public PassedVerdict RecordForImage(string imageId, ScanResult result, Verdict verdict, string policyDigest) =>
        Add(new PassedVerdict(result, verdict, VerdictClaimsMap.From(result, verdict, policyDigest)) { ImageId = imageId });

    /// <summary>This run's passing verdict for the image <paramref name="imageId"/> (not yet bound to a manifest digest), or null.</summary>
    public PassedVerdict? ForImage(string imageId)
    {
        lock (_lock)
            return _verdicts.LastOrDefault(v => v.ManifestDigest is null && string.Equals(v.ImageId, imageId, StringComparison.Ordinal));
    }

    /// <summary>
    /// C: the image verdict bound to the manifest <paramref name="digest"/> a registry serves for it, once the push
    /// has proven that manifest's config is exactly <paramref name="imageId"/> and its layers the tarball's.
    /// </summary>
    public PassedVerdict BindImage(Digest digest, string imageId)
    {
        var scanned = ForImage(imageId) ?? throw new InvalidOperationException($"No tarball verdict for {imageId} to bind; check ForImage first.");
        return Add(scanned with { ManifestDigest = digest });
    }

    /// <summary>The last passing scan-build verdict of this run, or null when ScanBuild did not pass here.</summary>
    public PassedVerdict? ScannedStage
    {
        get
        {
            lock (_lock)
                return _verdicts.LastOrDefault(v => v.ManifestDigest is null && v.ImageId is null);
        }
    }

    /// <summary>
    /// A: the scanned stage's verdict bound to the released <paramref name="digest"/> when its
    /// <paramref name="releasedLayers"/> are exactly the scanned layers (kaniko's cache reused them); otherwise none.
    /// </summary>
    public (PassedVerdict? Bound, LayerComparison Comparison) BindRelease(Digest digest, IReadOnlyList<string> releasedLayers)
    {
        var scanned = ScannedStage ?? throw new InvalidOperationException("No scan-build verdict to bind; check ScannedStage first.");
        var comparison = ScannedLayers.Compare(scanned.ScannedLayers, releasedLayers);
        if (!comparison.Identical || scanned.ScannedLayers.Count == 0)
            return (null, comparison);
        return (Add(scanned with { ManifestDigest = digest }), comparison);
    }

    /// <summary>This run's passing verdict for exactly <paramref name="digest"/>, or null.</summary>
    public PassedVerdict? For(Digest digest)
    {
        lock (_lock)
            return _verdicts.LastOrDefault(v => v.ManifestDigest == digest);
    }

    PassedVerdict Add(PassedVerdict verdict)
    {
        if (!verdict.Verdict.Passed)
            throw new InvalidOperationException("Only a passing verdict is recorded.");
        lock (_lock)
            _verdicts.Add(verdict);
        return verdict;
    }
}
