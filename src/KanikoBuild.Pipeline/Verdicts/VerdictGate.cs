using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.Verdicts;

/// <summary>
/// The gate both alternatives end in: the policy applied to a scan result, every report written, and the build
/// failed with every reason when the verdict is a fail. Reports are written before failing, so CI shows them.
/// The policy is the one the preflight loaded before the build (<see cref="VerdictOptions"/>), never re-read.
/// </summary>
public static class VerdictGate
{
    public static async Task<Verdict> ApplyAsync(ScanResult result, VerdictOptions verdictOptions, string rootDirectory, string? dockerfilePath, TimeProvider time, CancellationToken ct)
    {
        var verdict = PolicyEvaluator.Evaluate(result, verdictOptions.Policy, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var options = new ReportOptions
        {
            Directory = verdictOptions.ReportsDirectory,
            Formats = verdictOptions.Formats,
            DockerfilePath = dockerfilePath is null ? null : Path.GetRelativePath(rootDirectory, dockerfilePath).Replace('\\', '/'),
            TimeProvider = time,
        };
        var written = await ReportWriter.WriteAsync(result, verdict, options, Log.Logger, ct).ConfigureAwait(false);
        Log.Information("Reports: {Reports}", string.Join(", ", written.Select(f => Path.GetRelativePath(rootDirectory, f))));
        if (!verdict.Passed)
            throw new PipelineException(PolicyEvaluator.OneLine(result, verdict));
        return verdict;
    }

    public static string ReportsDirectory(PipelineSettings settings) =>
        Path.GetFullPath(settings.ReportsDir ?? ReportOptions.DefaultDirectory, settings.RootDirectory);
}
