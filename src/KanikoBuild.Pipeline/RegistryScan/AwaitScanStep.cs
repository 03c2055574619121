using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Signing;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Waiting;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.RegistryScan;

/// <summary>
/// Alternative B, second step: the Console's result for exactly the pushed digest (never an older image of the
/// same tag), judged by the same policy and written to the same reports as alternative A.
/// </summary>
public static class AwaitScanStep
{
    public static async Task<Verdict> RunAsync(PipelineRun run, CancellationToken ct, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var checkedInputs = await run.InputsForAsync(PipelineTargets.AwaitScan, ct).ConfigureAwait(false);
        var image = checkedInputs.RequireDevImage();
        var (digest, pushedAt) = await DevImageDigest.ResolveAsync(run, image, ct).ConfigureAwait(false);

        var request = new ScanWaitRequest
        {
            DevRegistry = image.Registry, Repository = image.Image, Tag = image.Tag,
            ManifestDigest = digest, ConfigDigest = await ConfigDigestAsync(checkedInputs.Logins, image, digest, ct).ConfigureAwait(false), PushedAt = pushedAt,
            TriggerScan = run.Options.Wait.TriggerScan,
            Timeout = checkedInputs.ScanTimeout,
        };
        var wait = await AwaitScanCommand.WaitAsync(request, checkedInputs.RequireConsole().ToClientOptions(), ct, time, Log.Logger).ConfigureAwait(false);

        Log.Information("The Console's result for {Image}@{Digest} arrived after {Waited:0.0} s ({Requests} requests).",
            wait.Entry.DisplayName, digest.Value, wait.Waited.TotalSeconds, wait.Requests);
        var result = ScanResultReader.FromRegistryEntry(wait.Entry.Raw);
        var identity = VerdictGate.IdentityOf(result, run.RootDirectory, firstDestination: null, devRepository: $"{image.Registry.Host}/{image.Repository}", dockerfilePath: null);
        var checkedVerdict = checkedInputs.RequireVerdict();
        var verdict = await VerdictGate.ApplyAsync(result, identity, checkedVerdict, run.RootDirectory, dockerfilePath: null, time, ct).ConfigureAwait(false);
        // The verdict is about exactly this digest: Promote in this run ships on it, and with --signing-key the dev
        // digest carries it signed, so a Promote in a later job can check it (--verify-key) instead of trusting a file.
        var passed = run.Verdicts.RecordForDigest(digest, result with { Identity = identity }, verdict, checkedVerdict.PolicyDigest);
        await VerdictSigning.SignAsync(checkedInputs, image.Registry, image.Repository, new ShippingVerdict(digest, passed.Claims, passed, "AwaitScan"), ct, time).ConfigureAwait(false);
        return verdict;
    }

    /// <summary>The pushed manifest's config digest: the Console names images by it (their image id).</summary>
    static async Task<Digest?> ConfigDigestAsync(RegistryLogins logins, CheckedDevImage image, Digest digest, CancellationToken ct)
    {
        try
        {
            using var client = logins.ClientFor(image.Registry, o => o with { MaxRetries = 1 });
            var config = await client.GetConfigDigestAsync(new ImageReference(image.Registry.Host, image.Repository, digest: digest), ct: ct).ConfigureAwait(false);
            return Digest.TryParse(config, out var parsed) ? parsed : null;
        }
        catch (PipelineException e)
        {
            // Matching by manifest digest alone still works; the image id only widens what counts as this image.
            Log.Warning("Could not read the config digest of {Digest} from the dev registry ({Reason}); matching the Console's result by manifest digest only.", digest.Value, e.Message);
            return null;
        }
    }
}
