using KanikoBuild.Engine;

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
}
