using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.RegistryScan;

/// <summary>
/// Which image of the dev registry AwaitScan waits for and Promote copies: <c>--image-digest</c> when given (an image
/// pushed earlier), else the one PushDev recorded for this registry, repository, tag and build inputs (a record for
/// anything else is refused, never used). The push time only counts for the digest PushDev pushed.
/// </summary>
public sealed record DevImageDigest(Digest Digest, DateTimeOffset? PushedAt)
{
    public static async Task<DevImageDigest> ResolveAsync(PipelineRun run, CheckedDevImage image, CancellationToken ct)
    {
        var handOff = new HandOff(run.TemporaryDirectory, PushDevStep.Target);
        if (image.Digest is { } given)
        {
            // A record for another image is no reason to refuse a digest given outright; its push time counts only when it is this digest's.
            var any = await handOff.ReadAsync(ct).ConfigureAwait(false);
            var sameImage = any?.Subject is { } subject && subject.Mismatch(SubjectOf(image, null)) is null && any.Image.Digest == given;
            return new DevImageDigest(given, sameImage ? any!.Image.PushedAt : null);
        }
        var recorded = await handOff.ReadForAsync(SubjectOf(image, BuildFingerprint.TryOf(run)), ct).ConfigureAwait(false)
            ?? throw new PipelineException($"No image to wait for or promote: run PushDev first (it records the digest in {handOff.DigestFile}) or pass {ParameterName.Of<ImageOptions>(nameof(ImageOptions.Digest))} sha256:….");
        return new DevImageDigest(recorded.Digest, recorded.PushedAt);
    }

    /// <summary>What PushDev's record is for: the dev image and tag, and the build inputs' fingerprint when known.</summary>
    public static HandOffSubject SubjectOf(CheckedDevImage image, string? fingerprint) => new(image.Registry.Host, image.Repository, image.Tag, fingerprint);
}
