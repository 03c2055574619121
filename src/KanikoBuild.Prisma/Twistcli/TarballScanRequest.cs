namespace KanikoBuild.Prisma.Twistcli;

/// <summary>Where twistcli runs for a tarball scan.</summary>
public enum TwistcliPlacement
{
    /// <summary>On this host when it can (Linux, root or the two capabilities), else in a container.</summary>
    Auto,
    Host,
    Container,
}

/// <summary>One <c>twistcli images scan --tarball</c>: which twistcli, which tarball, which Console, and the flags.</summary>
public sealed record TarballScanRequest
{
    /// <summary>A Linux twistcli (in a container it must be the Linux build even when the host is not Linux).</summary>
    public required string TwistcliPath { get; init; }

    /// <summary>The docker-save tarball (kaniko <c>--tar-path</c>), plain or gzipped.</summary>
    public required string TarballPath { get; init; }

    /// <summary>The Console (<c>--address</c>, its SaaS prefix kept).</summary>
    public required ConsoleEndpoint Console { get; init; }

    /// <summary>Where the result (<c>--output-file</c>) ends up. Removed first, so an older run's result never stands in for this one's.</summary>
    public required string ResultFile { get; init; }

    /// <summary><c>--publish</c>, always passed explicitly (its default changed between versions: prisma.md §1.4). True shows the scan under CI scans.</summary>
    public bool Publish { get; init; } = true;

    /// <summary><c>--details</c>: the table of every finding on stdout.</summary>
    public bool Details { get; init; } = true;

    /// <summary><c>--project</c> (a tenant project of a supervisor Console).</summary>
    public string? Project { get; init; }

    /// <summary><c>--tlscacert</c>: the Console's CA certificate (without it twistcli does not verify TLS).</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>Variables for twistcli (e.g. <c>JOB_NAME</c>, which labels the CI scan); never secrets.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

public enum TwistcliVerdict
{
    /// <summary>Exit 0 with a result file.</summary>
    Passed,

    /// <summary>Exit 1 with a result file: the Console's CI policy failed the image (the pipeline's policy decides next).</summary>
    PolicyFailed,

    /// <summary>No result (or an unreadable one): a tool, connectivity or permission failure, never a verdict.</summary>
    ToolFailed,
}

/// <summary>What a tarball scan came to: the result file, or a tool failure with twistcli's own message.</summary>
public sealed record TarballScanOutcome(TwistcliVerdict Verdict, int ExitCode, string? ResultFile, string StandardError, TwistcliPlacement RanOn)
{
    /// <summary>The result file; a tool failure becomes one clear error with twistcli's message.</summary>
    public string RequireResult() => Verdict == TwistcliVerdict.ToolFailed || ResultFile is null
        ? throw new PipelineException(Secrets.Mask(
            $"twistcli --tarball failed without a usable result (a tool, connectivity or permission failure, not a policy verdict; exit {ExitCode}, ran {(RanOn == TwistcliPlacement.Host ? "on this host" : "in a container")}): {(StandardError.Trim() is { Length: > 0 } message ? message : "it printed no error")}"))
        : ResultFile;
}
