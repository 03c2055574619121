using KanikoBuild.Engine;
using KanikoBuild.Pipeline.ScanInBuild;
using KanikoBuild.Pipeline.Verdicts;

// Alternative A: the scan runs as the last step of the kaniko build; the release build reuses the cache.
partial class Build
{
    Target Instrument => _ => _
        .Description("Writes the scan Dockerfile (the original plus a last stage that runs twistcli) and prints its path.")
        .Requires(() => Options.Console.Url)
        .Executes(async ct => Serilog.Log.Information("{Path}", await InstrumentStep.RunAsync(Run, ct)));

    Target ScanBuild => _ => _
        .Description("A: builds the instrumented Dockerfile with kaniko --no-push, so twistcli scans the image as the last step; applies the policy.")
        .Requires(() => Options.Console.Url, () => Options.Console.User, () => Options.Console.Password)
        .Executes(ct => VerdictReports.RunAsync(Run, "ScanBuild", c => ScanBuildStep.RunAsync(Run, c), ct));

    Target ReleaseBuild => _ => _
        .Description("A: builds the original Dockerfile with the same cache and pushes it to --destination; ships it only when its layers are the scanned ones; records and (--signing-key) signs the digest.")
        .DependsOn(ScanBuild)
        .Requires(() => Options.Input.Destinations)
        .Executes(ct => ReleaseBuildStep.RunAsync(Run, ct));
}
