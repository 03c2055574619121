using KanikoBuild.Dockerfiles;
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
            Targets = await TargetsAsync(inputs, ct).ConfigureAwait(false),
        };
        var result = await inputs.CreateRunner().RunAsync(request, ct).ConfigureAwait(false);
        var digest = result.Digest
            ?? throw new PipelineException("kaniko pushed the image but wrote no digest; check the executor's output above.");
        Log.Information("Pushed {Destinations} as {Digest}", string.Join(", ", destinations), digest);
        var pushed = ImageReference.Parse(destinations[0]);
        return new PushedImage($"{pushed.Registry}/{pushed.Repository}", digest, time.GetUtcNow());
    }

    /// <summary>The stage the scan build scanned, as a <c>--target</c>: none for the last stage.</summary>
    static async Task<IReadOnlyList<string>> TargetsAsync(BuildInputs inputs, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(inputs.Settings.Stage) || inputs.DockerfilePath is null)
            return string.IsNullOrWhiteSpace(inputs.Settings.Stage) ? [] : [inputs.Settings.Stage];
        var dockerfile = await DockerfileParser.LoadAsync(inputs.DockerfilePath, ct).ConfigureAwait(false);
        var stage = ScanInstrumenter.SelectStage(dockerfile, inputs.Settings.Stage);
        if (ReferenceEquals(stage, dockerfile.Stages[^1]))
            return [];
        return stage.Name is { Length: > 0 } name
            ? [name]
            : throw new PipelineException($"--stage {inputs.Settings.Stage} names an unnamed stage that is not the last; kaniko can only target a stage by name: add 'AS <name>' to its FROM.");
    }

}
