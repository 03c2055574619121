using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.Building;

/// <summary>What every build of the pipeline builds, as the user gave it. Paths are relative to the root directory.</summary>
[ParameterGroup("What to build")]
public sealed record BuildInputOptions
{
    /// <summary>Where the Instrument target (and ScanBuild's copy to look at) writes the scan Dockerfile by default.</summary>
    public const string DefaultInstrumentedDockerfile = ".nuke/temp/Dockerfile.scan";

    [Parameter("Dockerfile to build. Default: 'Dockerfile' in the context.")]
    public string? Dockerfile { get; init; }

    [Parameter("Build context: a local directory, or a kaniko context URL (tar://, git://, s3://, gs://, https://). Default: the root directory.")]
    public string? Context { get; init; }

    [Parameter("Stage to build and scan (name or index). Default: the last stage.")]
    public string? Stage { get; init; }

    [Parameter("Build arguments as KEY=VALUE (repeatable).")]
    public string[] BuildArgs { get; init; } = [];

    [Parameter("Where ReleaseBuild pushes the image (repeatable), e.g. registry.example.com/team/app:1.2.3.", Name = "Destination")]
    public ImageReference[] Destinations { get; init; } = [];

    [Parameter("Registry repository for kaniko's layer cache (e.g. registry.example.com/team/app/cache).")]
    public ImageReference? CacheRepo { get; init; }

    [Parameter("Path the instrumented (scan) Dockerfile is written to. Default: .nuke/temp/Dockerfile.scan.")]
    public string? InstrumentedDockerfile { get; init; }

    /// <summary>The stage as given, or null for the last one.</summary>
    public string? StageOrNull => string.IsNullOrWhiteSpace(Stage) ? null : Stage.Trim();
}
