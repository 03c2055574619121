namespace KanikoBuild.Scanning;

/// <summary>The verdict both alternatives end in: the policy, the limits overriding it, and where which reports go.</summary>
[ParameterGroup("The verdict")]
public sealed record VerdictOptions
{
    [Parameter("Scan policy file. Default: .nuke/scan-policy.json (optional).")]
    public string? Policy { get; init; }

    [Parameter("Severity limits overriding the policy file, e.g. critical=0,high=5.")]
    public FailOnLimits? FailOn { get; init; }

    [Parameter("Where reports are written. Default: artifacts/scan.")]
    public string? ReportsDir { get; init; }

    [Parameter("Report formats (repeatable): log, markdown, junit, sarif, gitlab, json. Default: all.")]
    public ReportSelection[] ReportFormats { get; init; } = [];

    /// <summary>The formats to write: those named, or all.</summary>
    public IReadOnlySet<ReportFormat> Formats => ReportSelection.Union(ReportFormats);

    /// <summary>
    /// The policy file (<see cref="Policy"/>, else <see cref="ScanPolicy.DefaultPath"/> when it exists, else the
    /// defaults), relative to <paramref name="rootDirectory"/>, with <see cref="FailOn"/> applied.
    /// </summary>
    public async Task<ScanPolicy> LoadPolicyAsync(string rootDirectory, CancellationToken ct)
    {
        var policy = await ScanPolicy.LoadAsync(Policy, null, rootDirectory, ct).ConfigureAwait(false);
        return FailOn is null ? policy : policy with { FailOn = FailOn.ApplyTo(policy.FailOn), FailOnOverride = FailOn.Text };
    }
}
