using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Waiting;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.AlternativeB;

/// <summary>
/// Alternative B, second step: the Console's result for exactly the pushed digest (never an older image of the
/// same tag), judged by the same policy and written to the same reports as alternative A.
/// </summary>
public static class AwaitScanStep
{
    /// <param name="checkedInputs">The run's preflight; null runs AwaitScan's own.</param>
    public static async Task<Verdict> RunAsync(PipelineSettings settings, CancellationToken ct, TimeProvider? time = null, CheckedInputs? checkedInputs = null)
    {
        time ??= TimeProvider.System;
        checkedInputs = await PipelinePreflight.EnsureAsync(settings, PipelineTargets.AwaitScan, checkedInputs, ct).ConfigureAwait(false);
        var image = checkedInputs.RequireDevImage();
        var recorded = await new HandOff(settings.TemporaryDirectory, PushDevCommand.Target).ReadAsync(ct).ConfigureAwait(false);
        var digest = image.Digest ?? recorded?.Digest
            ?? throw new PipelineException("No image to wait for: run PushDev first (it records the digest in .nuke/temp/pushdev/digest) or pass --image-digest sha256:….");
        // The push time only counts for the digest PushDev pushed; an image pushed earlier has none we know.
        var pushedAt = recorded is not null && recorded.Digest == digest ? recorded.PushedAt : (DateTimeOffset?)null;

        var request = new ScanWaitRequest
        {
            DevRegistry = image.Registry.ToString(), Repository = image.Image, Tag = image.Tag,
            ManifestDigest = digest, ConfigDigest = await ConfigDigestAsync(settings, image, digest, ct).ConfigureAwait(false), PushedAt = pushedAt,
            TriggerScan = settings.TriggerScan ?? true,
            Timeout = checkedInputs.ScanTimeout ?? Prisma.Parameters.ScanParameters.DefaultScanTimeout,
        };
        var wait = await AwaitScanCommand.WaitAsync(request, checkedInputs.RequireConsole().ToClientOptions(), ct, time, Log.Logger).ConfigureAwait(false);

        Log.Information("The Console's result for {Image}@{Digest} arrived after {Waited:0.0} s ({Requests} requests).",
            wait.Entry.DisplayName, digest, wait.Waited.TotalSeconds, wait.Requests);
        var result = ScanResultReader.FromRegistryEntry(wait.Entry.Raw);
        return await VerdictGate.ApplyAsync(result, settings, checkedInputs.RequireVerdict(), dockerfilePath: null, time, ct).ConfigureAwait(false);
    }

    /// <summary>The pushed manifest's config digest: the Console names images by it (their image id).</summary>
    static async Task<string?> ConfigDigestAsync(PipelineSettings settings, DevImageOptions image, string digest, CancellationToken ct)
    {
        try
        {
            using var client = new Registries.RegistryLogins(settings).ClientFor(image.Registry, o => o with { MaxRetries = 1 });
            return await client.GetConfigDigestAsync(new ImageReference(image.Registry.Host, image.Repository, digest: digest), ct: ct).ConfigureAwait(false);
        }
        catch (PipelineException e)
        {
            // Matching by manifest digest alone still works; the image id only widens what counts as this image.
            Log.Warning("Could not read the config digest of {Digest} from the dev registry ({Reason}); matching the Console's result by manifest digest only.", digest, e.Message);
            return null;
        }
    }
}
