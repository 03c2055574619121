using System.Text.Json;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Signing;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Registry;
using KanikoBuild.Signing;
using Serilog;

namespace KanikoBuild.Pipeline.ScanInBuild;

/// <summary>
/// Alternative A, second build: the original Dockerfile with the scan build's cache, pushed to the destinations.
/// ScanBuild's verdict is about the scanned stage, and the release is a rebuild, so the verdict counts for the
/// release digest only when its layers are exactly the scanned layers (kaniko's cache reused them); otherwise the
/// release is refused, not recorded and not signed (<see cref="ShippingGate"/>).
/// </summary>
public static class ReleaseBuildStep
{
    public const string Target = "releasebuild";

    public static async Task<PushedImage> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var checkedInputs = await run.InputsForAsync(PipelineTargets.ReleaseBuild, ct).ConfigureAwait(false);
        var handOff = new HandOff(run.TemporaryDirectory, Target);
        handOff.Clear();
        if (Directory.Exists(InputChecks.ReportsDirectory(run)))
            File.Delete(LayerReportPath(run));
        // Before anything is built: without this run's passing scan there is nothing a release digest could match.
        if (run.Verdicts.ScannedStage is null)
            throw new PipelineException("ReleaseBuild refuses to build and push: ScanBuild reached no passing verdict in this run (it was skipped, or did not run here), so no release digest can be matched with scanned layers. Run ReleaseBuild with ScanBuild (without --skip ScanBuild). Nothing was pushed.");
        var inputs = new BuildInputs(run, checkedInputs);
        var destination = checkedInputs.Destinations[0];
        var pushed = await PushBuild.RunAsync(inputs, checkedInputs.Destinations, ct).ConfigureAwait(false);

        var released = await ReleasedLayersAsync(inputs, destination, pushed.Digest, ct).ConfigureAwait(false);
        var (bound, comparison) = run.Verdicts.BindRelease(pushed.Digest, released);
        await WriteLayerReportAsync(run, destination, pushed, released, run.Verdicts.ScannedStage.ScannedLayers, comparison, ct).ConfigureAwait(false);
        if (bound is null)
            throw new PipelineException(
                $"ReleaseBuild refuses {pushed.Digest.Value}: {comparison.DifferingLayers.Count} of its {comparison.ReleasedLayers} layers differ from the scanned ones (layers {string.Join(", ", comparison.DifferingLayers.Select(i => i + 1))}), so the scan's verdict is not about these bytes. " +
                "kaniko already wrote the destination tags; the digest is not recorded and not signed, so a signature-checking deploy refuses it. Use --cache-repo for both builds, or promote by digest (alternative B).");
        Log.Information("The released image's {Count} layers are the scanned layers (reused through kaniko's cache).", comparison.ReleasedLayers);

        var verdict = await ShippingGate.RequireAsync(run, checkedInputs, pushed.Digest, "ReleaseBuild", "ScanBuild", [], ct).ConfigureAwait(false);
        await handOff.WriteAsync(pushed, new HandOffSubject(destination.Registry, destination.Repository, destination.Tag ?? "latest",
            BuildFingerprint.Of(run.Options.Input, inputs.Context.ToString(), inputs.DockerfilePath)), ct).ConfigureAwait(false);
        await CiOutputs.PublishAsync("image-digest", pushed.Digest, handOff.Directory, ct).ConfigureAwait(false);
        foreach (var repository in checkedInputs.Destinations.Select(d => (d.Registry, d.Repository)).Distinct())
            await VerdictSigning.SignAsync(checkedInputs, new RegistrySpec(repository.Registry), repository.Repository, verdict, ct).ConfigureAwait(false);
        return pushed;
    }

    static async Task<IReadOnlyList<string>> ReleasedLayersAsync(BuildInputs inputs, ImageReference destination, Digest digest, CancellationToken ct)
    {
        var reference = destination.WithDigest(digest);
        using var client = inputs.Logins.ClientFor(reference.RegistrySpec);
        var manifest = await client.GetImageManifestAsync(reference, ct: ct).ConfigureAwait(false);
        using var config = await client.OpenBlobAsync(reference.Repository, manifest.Config!.Digest, ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await config.Content.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return ScannedLayers.FromConfig(buffer.ToArray());
    }

    static string LayerReportPath(PipelineRun run) => Path.Combine(InputChecks.ReportsDirectory(run), "release-layers.json");

    static async Task WriteLayerReportAsync(PipelineRun run, ImageReference destination, PushedImage pushed, IReadOnlyList<string> released, IReadOnlyList<string> scanned,
        LayerComparison comparison, CancellationToken ct)
    {
        var report = LayerReportPath(run);
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        await File.WriteAllTextAsync(report, JsonSerializer.Serialize(new
        {
            image = $"{destination.Registry}/{destination.Repository}@{pushed.Digest}",
            identical = comparison.Identical,
            released,
            scanned,
            differingLayers = comparison.DifferingLayers.Select(i => i + 1),
        }, new JsonSerializerOptions { WriteIndented = true }), ct).ConfigureAwait(false);
    }
}
