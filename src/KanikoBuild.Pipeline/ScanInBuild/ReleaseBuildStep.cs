using System.Text.Json;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Pipeline.ScanInBuild;

/// <summary>
/// Alternative A, second build: the original Dockerfile with the scan build's cache, pushed to the
/// destinations; then a check that the pushed layers are the scanned ones.
/// </summary>
public static class ReleaseBuildStep
{
    public const string Target = "releasebuild";

    public static async Task<PushedImage> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var checkedInputs = await run.InputsForAsync(PipelineTargets.ReleaseBuild, ct).ConfigureAwait(false);
        var inputs = new BuildInputs(run, checkedInputs);
        var pushed = await PushBuild.RunAsync(inputs, checkedInputs.Destinations, ct).ConfigureAwait(false);
        var handOff = new HandOff(run.TemporaryDirectory, Target);
        await handOff.WriteAsync(pushed, ct).ConfigureAwait(false);
        await CiOutputs.PublishAsync("image-digest", pushed.Digest, handOff.Directory, ct).ConfigureAwait(false);
        await CompareWithScannedAsync(run, inputs, checkedInputs.Destinations[0], pushed, ct).ConfigureAwait(false);
        return pushed;
    }

    static async Task CompareWithScannedAsync(PipelineRun run, BuildInputs inputs, ImageReference destination, PushedImage pushed, CancellationToken ct)
    {
        var scannedFile = Path.Combine(ScanBuildStep.RecordDirectory(run), "scanned-layers");
        if (!File.Exists(scannedFile))
        {
            Log.Warning("No record of the scanned layers ({File}): run ScanBuild first to compare the released layers with the scanned ones.", scannedFile);
            return;
        }
        var scanned = await File.ReadAllLinesAsync(scannedFile, ct).ConfigureAwait(false);
        var reference = destination.WithDigest(pushed.Digest);
        using var client = inputs.Logins.ClientFor(reference.RegistrySpec);
        var manifest = await client.GetImageManifestAsync(reference, ct: ct).ConfigureAwait(false);
        using var config = await client.OpenBlobAsync(reference.Repository, manifest.Config!.Digest, ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await config.Content.CopyToAsync(buffer, ct).ConfigureAwait(false);
        var released = ScannedLayers.FromConfig(buffer.ToArray());
        var comparison = ScannedLayers.Compare(scanned, released);

        if (comparison.Identical)
            Log.Information("The released image's {Count} layers are the scanned layers (reused through kaniko's cache).", comparison.ReleasedLayers);
        else
            Log.Warning("{Differing} of the released image's {Count} layers differ from the scanned ones (layers {Indexes}): they were rebuilt, not reused from the cache; use --cache-repo for both builds, or promote by digest (alternative B).",
                comparison.DifferingLayers.Count, comparison.ReleasedLayers, string.Join(", ", comparison.DifferingLayers.Select(i => i + 1)));

        var report = Path.Combine(InputChecks.ReportsDirectory(run), "release-layers.json");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        await File.WriteAllTextAsync(report, JsonSerializer.Serialize(new
        {
            image = $"{reference.Registry}/{reference.Repository}@{pushed.Digest}",
            identical = comparison.Identical,
            released = released,
            scanned = scanned,
            differingLayers = comparison.DifferingLayers.Select(i => i + 1),
        }, new JsonSerializerOptions { WriteIndented = true }), ct).ConfigureAwait(false);
    }
}
