using Serilog;

namespace KanikoBuild.Scanning;

/// <summary>
/// Writes every chosen report for one scan and its verdict. <c>ScanBuild</c> (A) and <c>AwaitScan</c> (B) both
/// call this, so the reports look the same whichever way the image was scanned.
/// </summary>
public static class ReportWriter
{
    public const string MarkdownFileName = "scan-summary.md";
    public const string JUnitFileName = "scan-junit.xml";
    public const string SarifFileName = "scan.sarif";
    public const string GitLabFileName = "gl-container-scanning-report.json";
    public const string JsonFileName = "scan-result.json";

    /// <summary>Every file a verdict-producing target owns in the reports directory: cleared before it starts.</summary>
    public static IReadOnlyList<string> OwnedFileNames { get; } = [MarkdownFileName, JUnitFileName, SarifFileName, GitLabFileName, JsonFileName];

    /// <summary>The result and verdict as <see cref="JsonFileName"/> holds them (what a signed attestation carries).</summary>
    public static string RenderJson(ScanResult result, Verdict verdict) => JsonReport.Render(result, verdict);

    /// <summary>Writes the reports; returns the files written (the log format writes none).</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(ScanResult result, Verdict verdict, ReportOptions? options = null, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdict);
        options ??= new ReportOptions();
        logger ??= Log.Logger;

        var files = new List<string>();
        var fileFormats = options.Formats.Where(f => f != ReportFormat.Log).ToList();
        if (fileFormats.Count > 0)
        {
            try
            {
                Directory.CreateDirectory(options.Directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PipelineException($"Cannot create the reports directory '{options.Directory}': {e.Message}; check {ParameterName.Of<VerdictOptions>(nameof(VerdictOptions.ReportsDir))} and its permissions.", e);
            }
        }

        async Task Write(string name, string content)
        {
            var path = Path.Combine(options.Directory, name);
            try
            {
                await File.WriteAllTextAsync(path, content, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PipelineException($"Cannot write the report '{path}': {e.Message}; check {ParameterName.Of<VerdictOptions>(nameof(VerdictOptions.ReportsDir))} and the free disk space.", e);
            }
            files.Add(path);
        }

        if (options.Formats.Contains(ReportFormat.Markdown))
        {
            var markdown = MarkdownReport.Render(result, verdict, options.ScannedImage);
            await Write(MarkdownFileName, markdown).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(options.StepSummaryPath))
            {
                try
                {
                    await File.AppendAllTextAsync(options.StepSummaryPath, markdown + Environment.NewLine, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The job summary is a convenience; the report file is already written.
                    logger.Warning("Could not append the scan summary to GITHUB_STEP_SUMMARY ({Path}): {Message}", options.StepSummaryPath, e.Message);
                }
            }
        }
        if (options.Formats.Contains(ReportFormat.JUnit))
            await Write(JUnitFileName, JUnitReport.Render(result, verdict)).ConfigureAwait(false);
        if (options.Formats.Contains(ReportFormat.Sarif))
            await Write(SarifFileName, SarifReport.Render(result, verdict, options.DockerfilePath)).ConfigureAwait(false);
        if (options.Formats.Contains(ReportFormat.GitLab))
            await Write(GitLabFileName, GitLabReport.Render(result, verdict, options.TimeProvider)).ConfigureAwait(false);
        if (options.Formats.Contains(ReportFormat.Json))
            await Write(JsonFileName, JsonReport.Render(result, verdict, options.ScannedImage)).ConfigureAwait(false);

        if (files.Count > 0)
            logger.Information("Scan reports: {Files:l}", string.Join(", ", files));
        // The log comes last so that the verdict line is the last thing a reader of the job log sees.
        if (options.Formats.Contains(ReportFormat.Log))
            LogReport.Write(result, verdict, logger);
        return files;
    }
}
