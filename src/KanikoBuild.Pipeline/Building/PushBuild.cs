using KanikoBuild.Pipeline.State;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Pipeline.Building;

/// <summary>
/// The original Dockerfile (never the scan Dockerfile) built with kaniko and pushed: ReleaseBuild to its
/// destinations, PushDev to the dev registry. Same context, arguments and cache as the scan build.
/// </summary>
public static class PushBuild
{
    public static async Task<PushedImage> RunAsync(BuildInputs inputs, IReadOnlyList<string> destinations, CancellationToken ct, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (destinations.Count == 0)
            throw new PipelineException("Nothing to push to: give --destination (repeatable), e.g. registry.example.com/team/app:1.2.3.");
        var request = inputs.BaseRequest() with
        {
            Destinations = destinations,
            Targets = inputs.Options.PushTargets,
        };
        var result = await inputs.CreateRunner().RunAsync(request, ct).ConfigureAwait(false);
        var digest = result.Digest
            ?? throw new PipelineException("kaniko pushed the image but wrote no digest; check the executor's output above.");
        Log.Information("Pushed {Destinations} as {Digest}", string.Join(", ", destinations), digest);
        var pushed = ImageReference.Parse(destinations[0]);
        return new PushedImage($"{pushed.Registry}/{pushed.Repository}", digest, time.GetUtcNow());
    }
}
