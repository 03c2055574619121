using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Signing;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Pipeline.TarballScan;

/// <summary>
/// Alternative C, the push: the tarball ScanTarball judged, shipped as it is with the project's own registry client
/// (no second kaniko run): its config and layer blobs, then the manifest by digest, to every destination; read back
/// and checked (config = the scanned image ID, layers = the tarball's); tagged only when every destination passed.
/// The registry's digest is recorded as ReleaseBuild and PushDev record theirs.
/// </summary>
public static class PushScannedStep
{
    public const string Target = "pushscanned";

    public static async Task<PushedImage> RunAsync(PipelineRun run, CancellationToken ct, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var checkedInputs = await run.InputsForAsync(PipelineTargets.PushScanned, ct).ConfigureAwait(false);
        var inputs = new BuildInputs(run, checkedInputs);
        var handOff = new HandOff(run.TemporaryDirectory, Target);
        handOff.Clear();
        var record = new TarballRecord(run);
        if (!File.Exists(record.TarballPath))
            throw new PipelineException($"There is no scanned tarball to push ({record.TarballPath}): PushScanned ships what ScanTarball built and scanned; run PushScanned without --skip ScanTarball.");

        using var archive = await DockerArchive.OpenAsync(record.TarballPath, ct, record.Directory).ConfigureAwait(false);
        var verdict = await record.ReadVerdictAsync(ct).ConfigureAwait(false);
        ScannedVerdictCheck.RequirePassedFor(run.Verdicts, verdict, archive, record.VerdictFile);

        var pusher = new ScannedImagePusher(registry => inputs.Logins.ClientFor(registry), Log.Logger);
        var pushed = await pusher.PushAsync(new ScannedPushRequest(archive, checkedInputs.Destinations), ct).ConfigureAwait(false);
        await ScannedImageReport.WriteShippedAsync(run, checkedInputs.RequireVerdict(), record, verdict!, archive, pushed.Proofs, inputs.DockerfilePath, ct).ConfigureAwait(false);
        if (!pushed.ShippedEqualsScanned)
            throw new PipelineException($"The pushed image is not the scanned one ({string.Join("; ", pushed.Proofs.Where(p => !p.ShippedEqualsScanned).Select(p => $"{p.Destination}: config {p.ConfigDigest}, scanned {p.ScannedImageId}"))}).");

        // The registry's digest (kaniko.md §4.3: the manifest is made from the tarball, so kaniko's own digest may differ).
        var first = pushed.Proofs[0];
        var destination = checkedInputs.Destinations[0];
        var image = new PushedImage($"{first.Destination.Registry}/{first.Destination.Repository}", Digest.Parse(first.RegistryDigest, "the registry's manifest digest"), time.GetUtcNow());
        run.Verdicts.BindImage(image.Digest, archive.ImageId);
        var shipping = await ShippingGate.RequireAsync(run, checkedInputs, image.Digest, "PushScanned", "ScanTarball", [], ct).ConfigureAwait(false);
        await handOff.WriteAsync(image, new HandOffSubject(destination.Registry, destination.Repository, destination.Tag ?? "latest",
            BuildFingerprint.Of(run.Options.Input, inputs.Context.ToString(), inputs.DockerfilePath)), ct).ConfigureAwait(false);
        await CiOutputs.PublishAsync("image-digest", image.Digest, handOff.Directory, ct).ConfigureAwait(false);
        foreach (var repository in checkedInputs.Destinations.Select(d => (d.Registry, d.Repository)).Distinct())
            await VerdictSigning.SignAsync(checkedInputs, new RegistrySpec(repository.Registry), repository.Repository, shipping, ct).ConfigureAwait(false);
        Log.Information("Shipped = scanned: {Destinations} serve {Digest}, whose config is the scanned image {ImageId}",
            string.Join(", ", pushed.Proofs.Select(p => p.Destination)), image.Digest.Value, archive.ImageId);
        return image;
    }
}
