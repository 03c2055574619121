using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.State;

namespace KanikoBuild.Pipeline.RegistryScan;

/// <summary>Alternative B, first step: the original Dockerfile pushed to the dev registry the Console watches.</summary>
public static class PushDevStep
{
    public const string Target = "pushdev";

    public static async Task<PushedImage> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var checkedInputs = await run.InputsForAsync(PipelineTargets.PushDev, ct).ConfigureAwait(false);
        var destination = checkedInputs.RequireDevImage().Reference;
        var pushed = await PushBuild.RunAsync(new BuildInputs(run, checkedInputs), [destination], ct).ConfigureAwait(false);
        // A file, so AwaitScan and Promote in later jobs (or later invocations) promote exactly this digest.
        var handOff = new HandOff(run.TemporaryDirectory, Target);
        await handOff.WriteAsync(pushed, ct).ConfigureAwait(false);
        await CiOutputs.PublishAsync("image-digest", pushed.Digest, handOff.Directory, ct).ConfigureAwait(false);
        return pushed;
    }
}
