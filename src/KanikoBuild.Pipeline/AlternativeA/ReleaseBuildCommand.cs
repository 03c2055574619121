using System.Text.Json;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Pipeline.AlternativeA;

/// <summary>
/// Alternative A, second build: the original Dockerfile with the scan build's cache, pushed to the
/// destinations; then a check that the pushed layers are the scanned ones.
/// </summary>
public static class ReleaseBuildCommand
{
    /// <param name="checkedInputs">The run's preflight; null runs ReleaseBuild's own.</param>
    public static async Task<PushedImage> RunAsync(PipelineSettings settings, CancellationToken ct, CheckedInputs? checkedInputs = null)
    {
        checkedInputs = await PipelinePreflight.EnsureAsync(settings, PipelineTargets.ReleaseBuild, checkedInputs, ct).ConfigureAwait(false);
        var inputs = new BuildInputs(settings, checkedInputs.RequireBuild());
        var pushed = await PushBuild.RunAsync(inputs, settings.Destinations.Select(d => d.Trim()).ToList(), ct).ConfigureAwait(false);
        await new HandOff(settings.TemporaryDirectory, "releasebuild").WriteAsync(pushed, ct).ConfigureAwait(false);
        await CiOutputs.PublishAsync("image-digest", pushed.Digest, Path.Combine(settings.TemporaryDirectory, "releasebuild"), ct).ConfigureAwait(false);
        await CompareWithScannedAsync(settings, inputs, checkedInputs.Destinations[0], pushed, ct).ConfigureAwait(false);
        return pushed;
    }

    static async Task CompareWithScannedAsync(PipelineSettings settings, BuildInputs inputs, ImageReference destination, PushedImage pushed, CancellationToken ct)
    {
        var scannedFile = Path.Combine(ScanBuildCommand.RecordDirectory(settings), "scanned-layers");
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

        var report = Path.Combine(VerdictGate.ReportsDirectory(settings), "release-layers.json");
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
