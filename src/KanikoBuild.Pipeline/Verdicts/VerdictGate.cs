using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.Verdicts;

/// <summary>
/// The gate both alternatives end in: the policy applied to a scan result, every report written, and the build
/// failed with every reason when the verdict is a fail. Reports are written before failing, so CI shows them.
/// </summary>
public static class VerdictGate
{
    public static async Task<Verdict> ApplyAsync(ScanResult result, PipelineSettings settings, string? dockerfilePath, TimeProvider time, CancellationToken ct)
    {
        var policy = await ScanPolicy.LoadAsync(settings.Policy, settings.FailOn, settings.RootDirectory, ct).ConfigureAwait(false);
        var verdict = PolicyEvaluator.Evaluate(result, policy, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var options = new ReportOptions
        {
            Directory = ReportsDirectory(settings),
            Formats = ReportOptions.ParseFormats(settings.ReportFormats),
            DockerfilePath = dockerfilePath is null ? null : Path.GetRelativePath(settings.RootDirectory, dockerfilePath).Replace('\\', '/'),
            TimeProvider = time,
        };
        var written = await ReportWriter.WriteAsync(result, verdict, options, Log.Logger, ct).ConfigureAwait(false);
        Log.Information("Reports: {Reports}", string.Join(", ", written.Select(f => Path.GetRelativePath(settings.RootDirectory, f))));
        if (!verdict.Passed)
            throw new PipelineException(PolicyEvaluator.OneLine(result, verdict));
        return verdict;
    }

    public static string ReportsDirectory(PipelineSettings settings) =>
        Path.GetFullPath(settings.ReportsDir ?? ReportOptions.DefaultDirectory, settings.RootDirectory);
}
