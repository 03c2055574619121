using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.TarballScan;

/// <summary>
/// The scanned tarball as the reports show it: its layers (digest, size, instruction from the config history) next to
/// the findings, what the scanner cannot say about layers, and after the push the shipped = scanned proof.
/// </summary>
public static class ScannedImageReport
{
    public static ScannedImageSection Section(DockerArchive archive, IReadOnlyList<ShippedImageProof> shipped)
    {
        var view = ImageLayerView.From(archive);
        return new ScannedImageSection
        {
            ImageId = view.ImageId,
            Layers = view.Layers.Select(l => new ReportLayer(l.Number, l.Digest, l.Size, l.Instruction)).ToList(),
            InstructionsNote = view.InstructionsNote,
            // kaniko leaves every layer time at zero, so no finding can be placed in a layer (prisma.md §4): said once, plainly.
            FindingsLayerNote = view.Attribute(null) is LayerAttribution.NotGiven notGiven && !view.LayersHaveTimes ? notGiven.Reason : null,
            Shipped = shipped.Select(p => new ShippedImageEvidence(p.Destination.ToString(), p.RegistryDigest, p.ConfigDigest, p.ScannedImageId, p.LayerDigests, p.ScannedLayerDigests)).ToList(),
        };
    }

    /// <summary>
    /// Writes the Markdown and JSON reports again with the proof, from the result ScanTarball judged and the policy
    /// applied on the same day, so the verdict in them is the one the push was allowed on.
    /// </summary>
    public static async Task WriteShippedAsync(PipelineRun run, CheckedVerdict checkedVerdict, TarballRecord record, TarballVerdict recorded,
        DockerArchive archive, IReadOnlyList<ShippedImageProof> shipped, string? dockerfilePath, CancellationToken ct)
    {
        var formats = checkedVerdict.Formats.Where(f => f is ReportFormat.Markdown or ReportFormat.Json).ToHashSet();
        if (formats.Count == 0 || !File.Exists(record.ResultFile))
            return;
        var result = await ScanResultReader.FromTwistcliOutputFileAsync(record.ResultFile, ct).ConfigureAwait(false);
        result = result with { Identity = VerdictGate.IdentityOf(result, run.RootDirectory, run.Options.Input.Destinations.FirstOrDefault(), devRepository: null, dockerfilePath) };
        var verdict = PolicyEvaluator.Evaluate(result, checkedVerdict.Policy, recorded.EvaluatedOn);
        await ReportWriter.WriteAsync(result, verdict, new ReportOptions
        {
            Directory = checkedVerdict.ReportsDirectory,
            Formats = formats,
            DockerfilePath = dockerfilePath is null ? null : Path.GetRelativePath(run.RootDirectory, dockerfilePath).Replace('\\', '/'),
            // The job summary has the scan already; the report files get the proof.
            StepSummaryPath = null,
            ScannedImage = Section(archive, shipped),
        }, Log.Logger, ct).ConfigureAwait(false);
    }
}
