using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.Preflight;

/// <summary>
/// Everything the preflight checked for the targets of one run (<see cref="Targets"/>). A concern no scheduled
/// target needs stays null; <c>Require…</c> is for the targets that do.
/// </summary>
public sealed record CheckedInputs
{
    public required PipelineTargets Targets { get; init; }
    public CheckedBuild? Build { get; init; }
    public ConsoleAddressing? ConsoleAddress { get; init; }
    public CheckedConsole? Console { get; init; }
    public CheckedVerdict? Verdict { get; init; }
    public CheckedDevImage? DevImage { get; init; }
    public CheckedPromotion? Promotion { get; init; }
    public IReadOnlyList<ImageReference> Destinations { get; init; } = [];
    public TimeSpan ScanTimeout { get; init; }

    /// <summary>The signing and verification keys (none given: <see cref="CheckedSigning.None"/>).</summary>
    public CheckedSigning Signing { get; init; } = CheckedSigning.None;

    /// <summary>The registry logins, each pair checked (a user without a password is refused here, before anything runs).</summary>
    public RegistryLogins Logins { get; init; } = RegistryLogins.None;

    /// <summary>True when these inputs were checked for every target in <paramref name="targets"/>.</summary>
    public bool Covers(PipelineTargets targets) => (Targets & targets) == targets;

    public CheckedBuild RequireBuild() => Build ?? throw Missing(nameof(Build));
    public ConsoleAddressing RequireConsoleAddress() => ConsoleAddress ?? throw Missing(nameof(ConsoleAddress));
    public CheckedConsole RequireConsole() => Console ?? throw Missing(nameof(Console));
    public CheckedVerdict RequireVerdict() => Verdict ?? throw Missing(nameof(Verdict));
    public CheckedDevImage RequireDevImage() => DevImage ?? throw Missing(nameof(DevImage));
    public CheckedPromotion RequirePromotion() => Promotion ?? throw Missing(nameof(Promotion));

    InvalidOperationException Missing(string concern) => new($"The preflight for {Targets} did not check the {concern} inputs.");
}
