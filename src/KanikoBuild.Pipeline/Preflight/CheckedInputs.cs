using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.Preflight;

/// <summary>
/// Everything the preflight parsed for the targets of one run (<see cref="Targets"/>). A concern no scheduled
/// target needs stays null; <c>Require…</c> is for the targets that do.
/// </summary>
public sealed record CheckedInputs
{
    public required PipelineTargets Targets { get; init; }
    public BuildOptions? Build { get; init; }
    public ConsoleOptions? Console { get; init; }
    public VerdictOptions? Verdict { get; init; }
    public DevImageOptions? DevImage { get; init; }
    public PromotionOptions? Promotion { get; init; }
    public IReadOnlyList<ImageReference> Destinations { get; init; } = [];
    public TimeSpan? ScanTimeout { get; init; }

    /// <summary>True when these inputs were checked for every target in <paramref name="targets"/>.</summary>
    public bool Covers(PipelineTargets targets) => (Targets & targets) == targets;

    public BuildOptions RequireBuild() => Build ?? throw Missing(nameof(Build));
    public ConsoleOptions RequireConsole() => Console ?? throw Missing(nameof(Console));
    public VerdictOptions RequireVerdict() => Verdict ?? throw Missing(nameof(Verdict));
    public DevImageOptions RequireDevImage() => DevImage ?? throw Missing(nameof(DevImage));

    InvalidOperationException Missing(string concern) => new($"The preflight for {Targets} did not check the {concern} inputs.");
}
