using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Verdicts;

namespace KanikoBuild.Pipeline;

/// <summary>
/// One run of the pipeline: where it works (the root and its <c>.nuke/temp</c>), what the user asked for
/// (<see cref="PipelineOptions"/>), and what the preflight made of it. The build checks the inputs of every
/// scheduled target once, before the first one starts (<see cref="CheckAsync"/>); each step then takes the values
/// the preflight parsed and loaded (the same policy for the verdict). A step run on its own (a test, the Sandbox)
/// runs its own preflight first.
/// </summary>
public sealed class PipelineRun(string rootDirectory, string temporaryDirectory, PipelineOptions options)
{
    CheckedInputs? _checked;

    public string RootDirectory { get; } = rootDirectory;

    /// <summary><c>.nuke/temp</c>: what one target hands to the next across invocations lives below it.</summary>
    public string TemporaryDirectory { get; } = temporaryDirectory;

    public PipelineOptions Options { get; } = options;

    /// <summary>Checks the inputs of <paramref name="scheduledTargets"/> (the pipeline's among them), adding to <paramref name="problems"/>.</summary>
    public async Task CheckAsync(IEnumerable<string> scheduledTargets, InputProblems problems, CancellationToken ct)
    {
        var targets = PipelineTargetNames.Parse(scheduledTargets);
        _checked = await PipelinePreflight.CheckAsync(this, targets, problems, ct).ConfigureAwait(false);
        // Refused here, the verdict targets never start: their reports must still say there is no verdict.
        await VerdictReports.PreflightRefusedAsync(this, targets, problems, ct).ConfigureAwait(false);
    }

    /// <summary>The passing verdicts reached in this run, by what they are about (the shipping gate reads them).</summary>
    public VerdictLedger Verdicts { get; } = new();

    /// <summary>The inputs checked for <paramref name="target"/>: the run's preflight when it covered it, else the target's own.</summary>
    public async Task<CheckedInputs> InputsForAsync(PipelineTargets target, CancellationToken ct)
    {
        if (_checked is not null && _checked.Covers(target))
            return _checked;
        var problems = new InputProblems();
        var inputs = await PipelinePreflight.CheckAsync(this, target, problems, ct).ConfigureAwait(false);
        problems.ThrowIfAny();
        return _checked = inputs;
    }

    /// <summary>A path the user gave, relative to the root.</summary>
    public string FromRoot(string path) => Path.GetFullPath(path, RootDirectory);
}
