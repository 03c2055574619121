using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.RegistryScan;

/// <summary>
/// Which image of the dev registry AwaitScan waits for and Promote copies: <c>--image-digest</c> when given (an image
/// pushed earlier), else the one PushDev recorded. The push time only counts for the digest PushDev pushed.
/// </summary>
public sealed record DevImageDigest(Digest Digest, DateTimeOffset? PushedAt)
{
    public static async Task<DevImageDigest> ResolveAsync(PipelineRun run, CheckedDevImage image, CancellationToken ct)
    {
        var handOff = new HandOff(run.TemporaryDirectory, PushDevStep.Target);
        var recorded = await handOff.ReadAsync(ct).ConfigureAwait(false);
        var digest = image.Digest ?? recorded?.Digest
            ?? throw new PipelineException($"No image to wait for or promote: run PushDev first (it records the digest in {handOff.DigestFile}) or pass {ParameterName.Of<ImageOptions>(nameof(ImageOptions.Digest))} sha256:….");
        return new DevImageDigest(digest, recorded is not null && recorded.Digest == digest ? recorded.PushedAt : null);
    }
}
