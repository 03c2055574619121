using KanikoBuild;
using KanikoBuild.Engine;
using KanikoBuild.Pipeline;

/// <summary>
/// KanikoBuild's target graph. Alternative A: <see cref="ScanBuild"/> → <see cref="ReleaseBuild"/>.
/// Alternative B: <see cref="PushDev"/> → <see cref="AwaitScan"/> → <see cref="Promote"/>.
/// Alternative C: <see cref="ScanTarball"/> → <see cref="PushScanned"/>.
/// Targets are a few lines each; the pipeline's logic lives in <c>src/</c>, its parameters in the option records
/// of <see cref="PipelineOptions"/>, which the engine fills from the command line, the environment and
/// <c>.nuke/parameters.json</c>.
/// </summary>
partial class Build : NukeBuild
{
    public static int Main() => Execute<Build>(x => x.ScanBuild);

    /// <summary>Every parameter of the pipeline, one option record per concern (<c>Options.Console.Url</c> is <c>--console-url</c>).</summary>
    readonly PipelineOptions Options = new();

    PipelineRun? _run;

    /// <summary>This run of the pipeline: where it works, the options, and what the preflight made of them.</summary>
    PipelineRun Run => _run ??= new(RootDirectory, TemporaryDirectory, Options);

    /// <summary>Before the first target starts: the inputs of every scheduled target, checked together.</summary>
    protected override Task CheckInputsAsync(InputProblems problems, CancellationToken ct) => Run.CheckAsync(ScheduledTargets, problems, ct);
}
