namespace KanikoBuild.Scanning;

/// <summary>Where and which reports <see cref="ReportWriter"/> writes.</summary>
public sealed record ReportOptions
{
    public const string DefaultDirectory = "artifacts/scan";

    public static IReadOnlySet<ReportFormat> AllFormats { get; } = new HashSet<ReportFormat>(Enum.GetValues<ReportFormat>());

    /// <summary>The reports directory (<c>--reports-dir</c>); created when missing.</summary>
    public string Directory { get; init; } = DefaultDirectory;

    /// <summary>The formats to write (<c>--report-formats</c>); default all.</summary>
    public IReadOnlySet<ReportFormat> Formats { get; init; } = AllFormats;

    /// <summary>
    /// The Dockerfile, relative to the repository root (forward slashes), used as the SARIF location so that code
    /// scanning can place the alert in the checkout. When null, SARIF uses the relative URI <c>Dockerfile</c>.
    /// </summary>
    public string? DockerfilePath { get; init; }

    /// <summary>The Markdown summary is appended here too; default: the <c>GITHUB_STEP_SUMMARY</c> variable.</summary>
    public string? StepSummaryPath { get; init; } = Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY");

    /// <summary>The image's layers and, after a push, the shipped = scanned proof (alternative C); Markdown and JSON only.</summary>
    public ScannedImageSection? ScannedImage { get; init; }

    /// <summary>The clock for report timestamps when the scan result has no scan time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Parses <c>--report-formats</c> values: repeatable and/or comma-separated, case-insensitive; empty means all.
    /// </summary>
    public static IReadOnlySet<ReportFormat> ParseFormats(IEnumerable<string>? values) =>
        ReportSelection.Union((values ?? []).Select(v => ReportSelection.Parse(v)));
}
