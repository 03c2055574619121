using KanikoBuild.Pipeline.Preflight;

namespace KanikoBuild.Pipeline.ScanInBuild;

/// <summary>
/// The <c>Instrument</c> target: the scan Dockerfile ScanBuild would build (the original plus a last stage that runs
/// twistcli), written to <c>--instrumented-dockerfile</c> for people to read. Nothing is built.
/// </summary>
public static class InstrumentStep
{
    /// <returns>The full path of the written scan Dockerfile.</returns>
    public static async Task<string> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var inputs = await run.InputsForAsync(PipelineTargets.Instrument, ct).ConfigureAwait(false);
        var instrumented = ScanStage.Instrument(run, inputs);
        return await ScanStage.WriteVisibleCopyAsync(run, instrumented, inputs.RequireBuild().DockerfilePath!, ct).ConfigureAwait(false);
    }
}
