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
        var image = checkedInputs.RequireDevImage();
        // The earlier record goes first: a push that fails must not leave the previous digest for AwaitScan and Promote.
        var handOff = new HandOff(run.TemporaryDirectory, Target);
        handOff.Clear();
        var inputs = new BuildInputs(run, checkedInputs);
        var pushed = await PushBuild.RunAsync(inputs, [image.Reference], ct).ConfigureAwait(false);
        // A file, so AwaitScan and Promote in later jobs (or later invocations) promote exactly this digest, and only for this image and tag.
        await handOff.WriteAsync(pushed, DevImageDigest.SubjectOf(image, BuildFingerprint.Of(run.Options.Input, inputs.Context.ToString(), inputs.DockerfilePath)), ct).ConfigureAwait(false);
        await CiOutputs.PublishAsync("image-digest", pushed.Digest, handOff.Directory, ct).ConfigureAwait(false);
        return pushed;
    }
}
