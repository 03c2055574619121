using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Prisma;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using KanikoBuild.Signing;

namespace KanikoBuild.Pipeline;

/// <summary>
/// Every parameter of the pipeline, one option record per concern, each typed by the engine where the value enters
/// (the build holds one of these: <c>readonly PipelineOptions Options = new();</c>). The records live with the
/// part they concern, so a library names a parameter's switch from the record's own metadata. A new parameter is a
/// property of its record; a new concern is a record here.
/// </summary>
public sealed record PipelineOptions
{
    public BuildInputOptions Input { get; init; } = new();
    public KanikoOptions Kaniko { get; init; } = new();
    public ConsoleOptions Console { get; init; } = new();
    public ScanWaitOptions Wait { get; init; } = new();
    public RegistryOptions Registries { get; init; } = new();
    public ImageOptions Image { get; init; } = new();
    public VerdictOptions Verdict { get; init; } = new();

    /// <summary>Signing's keys: bound and listed; the signing steps that read them come next (KanikoBuild.Signing).</summary>
    public SigningOptions Signing { get; init; } = new();
}
