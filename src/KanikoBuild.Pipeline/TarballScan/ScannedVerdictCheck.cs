using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.TarballScan;

/// <summary>
/// The check PushScanned makes before any byte leaves: this run's ScanTarball reached a passing verdict for exactly
/// the image in the tarball about to be pushed (its image ID, the sha256 of its config). The verdict file on disk
/// is never enough (it is what an earlier run left behind, unsigned): it only explains the refusal — a failed
/// verdict, a verdict on another image, a pass from an earlier run. After the push, the verdict is bound to the
/// registry's manifest digest and <see cref="ShippingGate"/> makes the same check every shipping target makes.
/// </summary>
public static class ScannedVerdictCheck
{
    public static PassedVerdict RequirePassedFor(VerdictLedger ledger, TarballVerdict? recorded, DockerArchive archive, string verdictFile)
    {
        if (ledger.ForImage(archive.ImageId) is { } passed)
            return passed;
        if (recorded is null)
            throw new PipelineException($"Nothing scanned to push: there is no ScanTarball verdict ({verdictFile}). PushScanned pushes only a tarball this run's ScanTarball judged; run PushScanned without --skip ScanTarball.");
        if (!string.Equals(recorded.ImageId, archive.ImageId, StringComparison.Ordinal))
            throw new PipelineException($"The ScanTarball verdict is about the image {recorded.ImageId}, but the tarball holds {archive.ImageId}: the tarball changed after the scan, so nothing is pushed. Run ScanTarball again.");
        if (!recorded.Passed)
            throw new PipelineException($"The image {Digest.Short(archive.ImageId)} failed its scan verdict ({recorded.Summary}); nothing is pushed.");
        throw new PipelineException($"PushScanned refuses {archive.ImageId}: ScanTarball reached no passing verdict for it in this run. The passing verdict in {verdictFile} is from an earlier run ({recorded.EvaluatedOn:yyyy-MM-dd}), and a verdict counts only in the run that reached it; run PushScanned without --skip ScanTarball. Nothing is pushed.");
    }
}
