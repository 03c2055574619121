namespace KanikoBuild.Scanning;

/// <summary>
/// What fails a build. The file shape is fixed because other tools write it:
/// <c>{"failOn":{…},"compliance":{…},"onlyFixed":false,"consoleVerdict":true,"allow":[{"id","reason","expires"}]}</c>,
/// every key optional (docs/scan-policy.schema.json).
/// </summary>
public sealed record ScanPolicy
{
    /// <summary>Where the policy is looked for when <c>--policy</c> is not given, relative to the repository root.</summary>
    public const string DefaultPath = ".nuke/scan-policy.json";

    /// <summary>Vulnerability limits. Default: no critical and no high.</summary>
    public SeverityLimits FailOn { get; init; } = new(Critical: 0, High: 0);

    /// <summary>
    /// Compliance limits. Default: none, because most base images carry high compliance findings (e.g. running as
    /// root) and twistcli's tarball scan may report no compliance at all; the Console's own compliance verdict still
    /// applies while <see cref="ConsoleVerdict"/> is on.
    /// </summary>
    public SeverityLimits Compliance { get; init; } = SeverityLimits.None;

    /// <summary>Count only vulnerabilities that have a fix (status "fixed in …").</summary>
    public bool OnlyFixed { get; init; }

    /// <summary>Whether the Console's own verdict (<c>vulnerabilityScanPassed</c>, <c>complianceScanPassed</c>) also fails the build.</summary>
    public bool ConsoleVerdict { get; init; } = true;

    public IReadOnlyList<AllowEntry> Allow { get; init; } = [];

    /// <summary>The file the policy came from; null for the built-in defaults.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The <c>--fail-on</c> text that overrode the file's limits, if any.</summary>
    public string? FailOnOverride { get; init; }

    public static ScanPolicy Default { get; } = new();

    /// <summary>
    /// Loads the policy: <paramref name="path"/> (relative to <paramref name="rootDirectory"/>, default the current
    /// directory) or, when null, <see cref="DefaultPath"/>, whose absence means the defaults. A path given explicitly
    /// must exist. <paramref name="failOnOverride"/> (<c>critical=0,high=5</c>) then replaces the named limits.
    /// </summary>
    public static async Task<ScanPolicy> LoadAsync(string? path = null, string? failOnOverride = null, string? rootDirectory = null, CancellationToken ct = default)
    {
        var root = rootDirectory ?? Directory.GetCurrentDirectory();
        ScanPolicy policy;
        if (string.IsNullOrWhiteSpace(path))
        {
            var defaultFile = Path.Combine(root, DefaultPath);
            policy = File.Exists(defaultFile)
                ? Parse(await File.ReadAllTextAsync(defaultFile, ct).ConfigureAwait(false), DefaultPath) with { SourcePath = defaultFile }
                : Default;
        }
        else
        {
            var file = Path.GetFullPath(path, root);
            if (!File.Exists(file))
                throw new PipelineException($"The scan policy file '{path}' does not exist (looked at {file}); check {ParameterName.Of<VerdictOptions>(nameof(VerdictOptions.Policy))}, or leave it out to use {DefaultPath} or the defaults.");
            policy = Parse(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false), path) with { SourcePath = file };
        }

        if (!string.IsNullOrWhiteSpace(failOnOverride))
            policy = policy with { FailOn = FailOnParser.Apply(failOnOverride, policy.FailOn), FailOnOverride = failOnOverride };
        return policy;
    }

    /// <summary>Parses and validates a policy document; <paramref name="sourceName"/> names it in error messages.</summary>
    public static ScanPolicy Parse(string json, string sourceName = "scan policy") => ScanPolicyParser.Parse(json, sourceName);
}
