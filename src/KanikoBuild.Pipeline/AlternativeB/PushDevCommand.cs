using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Prisma.Parameters;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.AlternativeB;

/// <summary>Alternative B, first step: the original Dockerfile pushed to the dev registry the Console watches.</summary>
public static class PushDevCommand
{
    public const string Target = "pushdev";

    /// <param name="checkedInputs">The run's preflight; null runs PushDev's own.</param>
    public static async Task<PushedImage> RunAsync(PipelineSettings settings, CancellationToken ct, CheckedInputs? checkedInputs = null)
    {
        checkedInputs = await PipelinePreflight.EnsureAsync(settings, PipelineTargets.PushDev, checkedInputs, ct).ConfigureAwait(false);
        var destination = checkedInputs.RequireDevImage().Reference;
        var pushed = await PushBuild.RunAsync(new BuildInputs(settings, checkedInputs.RequireBuild()), [destination], ct).ConfigureAwait(false);
        // A file, so AwaitScan and Promote in later jobs (or later invocations) promote exactly this digest.
        var handOff = new HandOff(settings.TemporaryDirectory, Target);
        await handOff.WriteAsync(pushed, ct).ConfigureAwait(false);
        await CiOutputs.PublishAsync("image-digest", pushed.Digest, handOff.Directory, ct).ConfigureAwait(false);
        return pushed;
    }

    /// <summary><c>dev-registry[/prefix]/image:tag</c>.</summary>
    public static string DevReference(PipelineSettings settings)
    {
        var registry = RegistrySpec.Parse(ScanParameters.Require(settings.DevRegistry, "--dev-registry", "the dev registry, host[:port][/prefix]"), "--dev-registry");
        var repository = registry.Repository(ScanParameters.Require(settings.Image, "--image", "the image repository, e.g. team/app"));
        return $"{registry.Host}/{repository}:{ScanParameters.Require(settings.Tag, "--tag", "the image tag")}";
    }

}
