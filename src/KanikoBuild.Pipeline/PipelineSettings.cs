namespace KanikoBuild.Pipeline;

/// <summary>
/// Every parameter the pipeline's targets read, gathered once by <c>build/</c>. Values are as the user gave
/// them (null when not given); the parts resolve defaults, so the defaults live next to the logic.
/// </summary>
public sealed record PipelineSettings
{
    public required string RootDirectory { get; init; }
    public required string TemporaryDirectory { get; init; }

    // What to build.
    public string? Dockerfile { get; init; }
    public string? Context { get; init; }
    public string? Stage { get; init; }
    public IReadOnlyList<string> Destinations { get; init; } = [];
    public IReadOnlyList<string> BuildArgs { get; init; } = [];
    public string? CacheRepo { get; init; }
    public string? InstrumentedDockerfile { get; init; }

    // How kaniko runs.
    public string? KanikoImage { get; init; }
    public string? KanikoRunner { get; init; }
    public string? KanikoNetwork { get; init; }
    public string? KanikoExecutor { get; init; }

    // The Console and twistcli.
    public string? ConsoleUrl { get; init; }
    public string? ConsoleUser { get; init; }
    public string? ConsolePassword { get; init; }
    public string? ConsoleProject { get; init; }
    public string? ConsoleCaCert { get; init; }
    public string? TwistcliPath { get; init; }
    public bool? TriggerScan { get; init; }
    public string? ScanTimeout { get; init; }

    // Registries and the image.
    public string? DevRegistry { get; init; }
    public string? ProdRegistry { get; init; }
    public string? Image { get; init; }
    public string? Tag { get; init; }
    public string? ImageDigest { get; init; }
    public IReadOnlyList<string> PromoteTags { get; init; } = [];
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    public string? DevRegistryUser { get; init; }
    public string? DevRegistryPassword { get; init; }
    public string? ProdRegistryUser { get; init; }
    public string? ProdRegistryPassword { get; init; }
    public bool OverwriteTags { get; init; }

    // The verdict.
    public string? Policy { get; init; }
    public string? FailOn { get; init; }
    public string? ReportsDir { get; init; }
    public IReadOnlyList<string> ReportFormats { get; init; } = [];
}
