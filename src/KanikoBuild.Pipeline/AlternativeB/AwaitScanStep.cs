using KanikoBuild.Pipeline.State;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Prisma;
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
    public static async Task<Verdict> RunAsync(PipelineSettings settings, CancellationToken ct, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var recorded = await new HandOff(settings.TemporaryDirectory, PushDevCommand.Target).ReadAsync(ct).ConfigureAwait(false);
        var digest = !string.IsNullOrWhiteSpace(settings.ImageDigest) ? settings.ImageDigest.Trim() : recorded?.Digest
            ?? throw new PipelineException("No image to wait for: run PushDev first (it records the digest in .nuke/temp/pushdev/digest) or pass --image-digest sha256:….");
        // The push time only counts for the digest PushDev pushed; an image pushed earlier has none we know.
        var pushedAt = recorded is not null && recorded.Digest == digest ? recorded.PushedAt : (DateTimeOffset?)null;

        var wait = await AwaitScanCommand.WaitForResultAsync(new AwaitScanArguments
        {
            ConsoleUrl = settings.ConsoleUrl, ConsoleUser = settings.ConsoleUser, ConsolePassword = settings.ConsolePassword,
            ConsoleProject = settings.ConsoleProject, ConsoleCaCert = settings.ConsoleCaCert,
            DevRegistry = settings.DevRegistry, Image = settings.Image, Tag = settings.Tag,
            ImageDigest = digest, ConfigDigest = await ConfigDigestAsync(settings, digest, ct).ConfigureAwait(false), PushedAt = pushedAt,
            TriggerScan = settings.TriggerScan, ScanTimeout = settings.ScanTimeout,
        }, ct, time, Log.Logger).ConfigureAwait(false);

        Log.Information("The Console's result for {Image}@{Digest} arrived after {Waited:0.0} s ({Requests} requests).",
            wait.Entry.DisplayName, digest, wait.Waited.TotalSeconds, wait.Requests);
        var result = ScanResultReader.FromRegistryEntry(wait.Entry.Raw);
        return await VerdictGate.ApplyAsync(result, settings, dockerfilePath: null, time, ct).ConfigureAwait(false);
    }

    /// <summary>The pushed manifest's config digest: the Console names images by it (their image id).</summary>
    static async Task<string?> ConfigDigestAsync(PipelineSettings settings, string digest, CancellationToken ct)
    {
        try
        {
            var registry = RegistrySpec.Parse(settings.DevRegistry, "--dev-registry");
            using var client = new Registries.RegistryLogins(settings).ClientFor(registry, o => o with { MaxRetries = 1 });
            return await client.GetConfigDigestAsync(new ImageReference(registry.Host, registry.Repository(settings.Image ?? string.Empty), digest: digest), ct: ct).ConfigureAwait(false);
        }
        catch (PipelineException e)
        {
            // Matching by manifest digest alone still works; the image id only widens what counts as this image.
            Log.Warning("Could not read the config digest of {Digest} from the dev registry ({Reason}); matching the Console's result by manifest digest only.", digest, e.Message);
            return null;
        }
    }
}
