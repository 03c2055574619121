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
    public static async Task<PushedImage> RunAsync(BuildInputs inputs, IReadOnlyList<ImageReference> destinations, CancellationToken ct, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (destinations.Count == 0)
            throw new PipelineException($"Nothing to push to: give {ParameterName.Of<BuildInputOptions>(nameof(BuildInputOptions.Destinations))} (repeatable), e.g. registry.example.com/team/app:1.2.3.");
        var request = inputs.BaseRequest() with
        {
            Destinations = destinations.Select(d => d.ToString()).ToList(),
            Targets = inputs.Build.PushTargets,
        };
        var result = await inputs.CreateRunner().RunAsync(request, ct).ConfigureAwait(false);
        if (!Digest.TryParse(result.Digest, out var digest))
            throw new PipelineException($"kaniko pushed the image but wrote no usable digest ('{result.Digest}'); check the executor's output above.");
        Log.Information("Pushed {Destinations} as {Digest}", string.Join(", ", request.Destinations), digest.Value);
        return new PushedImage($"{destinations[0].Registry}/{destinations[0].Repository}", digest, time.GetUtcNow());
    }
}
