namespace KanikoBuild.Scanning;

/// <summary>
/// One image's scan, whichever way it was read. Every report and the policy work on this model only.
/// </summary>
public sealed record ScanResult
{
    public required ScanSource Source { get; init; }

    /// <summary>registry/repository:tag when known (twistcli's <c>name</c>, the API's <c>repoTag</c>).</summary>
    public string? ImageName { get; init; }

    /// <summary>The manifest digest (<c>sha256:…</c>) when known.</summary>
    public string? Digest { get; init; }

    /// <summary>The image (config) id, <c>sha256:…</c>.</summary>
    public string? ImageId { get; init; }

    public string? Distro { get; init; }
    public string? DistroRelease { get; init; }

    public IReadOnlyList<ScanPackage> Packages { get; init; } = [];
    public IReadOnlyList<Vulnerability> Vulnerabilities { get; init; } = [];
    public IReadOnlyList<ComplianceIssue> ComplianceIssues { get; init; } = [];

    /// <summary>The Console's own vulnerability verdict (<c>vulnerabilityScanPassed</c> or <c>vulnerabilitiesScanPassed</c>); null when absent.</summary>
    public bool? VulnerabilityScanPassed { get; init; }

    /// <summary>The Console's own compliance verdict (<c>complianceScanPassed</c>); null when absent.</summary>
    public bool? ComplianceScanPassed { get; init; }

    public DateTimeOffset? ScanTime { get; init; }
    public DateTimeOffset? CreationTime { get; init; }

    /// <summary>Link to the result in the Console UI (twistcli's <c>consoleURL</c>).</summary>
    public string? ConsoleUrl { get; init; }

    /// <summary>The scanner's version when the input names it (the API's <c>scanVersion</c>).</summary>
    public string? ScannerVersion { get; init; }

    /// <summary>Things the reader had to decide that a user may want to know (several results, skipped entries).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>"debian:12"-style OS name for reports; null when the input had no distro.</summary>
    public string? OperatingSystem => (Distro, DistroRelease) switch
    {
        (null or "", _) => null,
        (var d, null or "") => d,
        // twistcli may give a full name ("Debian GNU/Linux 12 (bookworm)") that already holds the release.
        (var d, var r) when d.Contains(r, StringComparison.OrdinalIgnoreCase) => d,
        (var d, var r) => $"{d}:{r}",
    };

    /// <summary>
    /// The image this result is about, as every report names it across runs (<see cref="ImageIdentity"/>). The
    /// pipeline sets it (the destination repository, else the Dockerfile path); unset, it falls back to the scanned name.
    /// </summary>
    public ImageIdentity Identity
    {
        get => _identity ?? ImageIdentity.OfScan(this);
        init => _identity = value;
    }

    readonly ImageIdentity? _identity;

    /// <summary>The scanned name: the image name, else the digest, else the image id (twistcli's name may be per run).</summary>
    public string DisplayName => FirstNonEmpty(ImageName, Digest, ImageId) ?? "(unnamed image)";

    static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
