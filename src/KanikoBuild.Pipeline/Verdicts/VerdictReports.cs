using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Scanning;

namespace KanikoBuild.Pipeline.Verdicts;

/// <summary>
/// The reports of a verdict-producing target (ScanBuild, AwaitScan) belong to its run alone: the files it owns are
/// removed before it starts, and a run that ends without a verdict (a malformed policy, a tool, registry or Console
/// error, a cancelled run) leaves a summary and a JUnit file saying "no verdict" and why, never an older pass. A
/// failed verdict has written its own reports (<see cref="VerdictGate"/>) and is left as it is.
/// </summary>
public static class VerdictReports
{
    public static async Task<T> RunAsync<T>(PipelineRun run, string target, Func<CancellationToken, Task<T>> step, CancellationToken ct)
    {
        var directory = InputChecks.ReportsDirectory(run);
        NoVerdictReport.Clear(directory);
        try
        {
            return await step(ct).ConfigureAwait(false);
        }
        catch (VerdictFailedException)
        {
            throw;
        }
        catch (Exception e)
        {
            var reason = e is OperationCanceledException ? "the run was cancelled before the verdict" : e.Message;
            await NoVerdictReport.WriteAsync(directory, run.Options.Verdict.Formats, target, reason, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The preflight refused the run's inputs: a verdict target scheduled in it reaches no verdict, and says so.</summary>
    public static async Task PreflightRefusedAsync(PipelineRun run, PipelineTargets targets, InputProblems problems, CancellationToken ct)
    {
        var verdictTargets = new[] { PipelineTargets.ScanBuild, PipelineTargets.AwaitScan }.Where(t => targets.HasFlag(t)).ToList();
        if (!problems.Any || verdictTargets.Count == 0)
            return;
        var directory = InputChecks.ReportsDirectory(run);
        NoVerdictReport.Clear(directory);
        await NoVerdictReport.WriteAsync(directory, run.Options.Verdict.Formats, string.Join(", ", verdictTargets),
            "the inputs were refused before the scan: " + string.Join("; ", problems.All), ct).ConfigureAwait(false);
    }
}
