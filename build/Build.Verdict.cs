using KanikoBuild.Engine;
using KanikoBuild.Scanning;

// The verdict: one policy and one set of reports for both alternatives.
partial class Build
{
    [Parameter("Scan policy file. Default: .nuke/scan-policy.json (optional).")]
    readonly string? Policy;

    [Parameter("Severity limits overriding the policy file, e.g. critical=0,high=5.")]
    readonly string? FailOn;

    [Parameter("Where reports are written. Default: artifacts/scan.")]
    readonly string? ReportsDir;

    [Parameter("Report formats (repeatable): log, markdown, junit, sarif, gitlab, json. Default: all.")]
    readonly string[] ReportFormats = [];

    // Parameter plumbing shared by ScanBuild (A) and AwaitScan (B); the targets call these, the logic is in src/.
    Task<ScanPolicy> LoadScanPolicyAsync(CancellationToken ct) =>
        ScanPolicy.LoadAsync(Policy, FailOn, RootDirectory, ct);

    ReportOptions ScanReportOptions(string? dockerfileRelativeToRoot) => new()
    {
        Directory = Path.GetFullPath(ReportsDir ?? ReportOptions.DefaultDirectory, RootDirectory),
        Formats = ReportOptions.ParseFormats(ReportFormats),
        DockerfilePath = dockerfileRelativeToRoot,
    };
}
