using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.TarballScan;

/// <summary>
/// The one check PushScanned makes before any byte leaves: the verdict ScanTarball recorded passed, and it is about
/// exactly the image in the tarball about to be pushed (its image ID, the sha256 of its config). A failed verdict,
/// a verdict on another image, or none at all stops the push here, before a blob is uploaded or a tag written.
/// This is the place to extend when a verdict must also be signed for the digest (issue 12): the check takes the
/// archive and the recorded verdict, and nothing else decides whether the scanned tarball may ship.
/// </summary>
public static class ScannedVerdictCheck
{
    public static void RequirePassedFor(TarballVerdict? verdict, DockerArchive archive, string verdictFile)
    {
        if (verdict is null)
            throw new PipelineException($"Nothing scanned to push: there is no ScanTarball verdict ({verdictFile}). PushScanned pushes only a tarball this run's ScanTarball judged; run PushScanned without --skip ScanTarball.");
        if (!string.Equals(verdict.ImageId, archive.ImageId, StringComparison.Ordinal))
            throw new PipelineException($"The ScanTarball verdict is about the image {verdict.ImageId}, but the tarball holds {archive.ImageId}: the tarball changed after the scan, so nothing is pushed. Run ScanTarball again.");
        if (!verdict.Passed)
            throw new PipelineException($"The image {Digest.Short(archive.ImageId)} failed its scan verdict ({verdict.Summary}); nothing is pushed.");
    }
}
