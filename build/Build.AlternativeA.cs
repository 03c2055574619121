using KanikoBuild.Engine;

// Alternative A: the scan runs as the last step of the kaniko build; the release build reuses the cache.
partial class Build
{
    [Parameter("Dockerfile to build. Default: 'Dockerfile' in the context.")]
    readonly string? Dockerfile;

    [Parameter("Build context: a local directory, or a kaniko context URL (tar://, git://, s3://, gs://, https://). Default: the root directory.")]
    readonly string? Context;

    [Parameter("Stage to build and scan (name or index). Default: the last stage.")]
    readonly string? Stage;

    [Parameter("Where ReleaseBuild pushes the image (repeatable), e.g. registry.example.com/team/app:1.2.3.")]
    readonly string[] Destination = [];

    [Parameter("Build arguments as KEY=VALUE (repeatable).")]
    readonly string[] BuildArgs = [];

    [Parameter("Path the instrumented (scan) Dockerfile is written to. Default: .nuke/temp/Dockerfile.scan.")]
    readonly string? InstrumentedDockerfile;

    [Parameter("Path of a twistcli binary to use instead of downloading it from the Console.")]
    readonly string? TwistcliPath;

    Target Instrument => _ => _
        .Description("Writes the scan Dockerfile (the original plus a last stage that runs twistcli) and prints its path.")
        .Executes(async ct => Serilog.Log.Information("{Path}", await KanikoBuild.Dockerfiles.ScanDockerfileWriter.WriteForTargetAsync(
            new(RootDirectory, Dockerfile, Context, Stage, InstrumentedDockerfile, ConsoleUrl, ConsoleProject, ConsoleCaCert), ct: ct)));

    Target ScanBuild => _ => _
        .Description("A: builds the instrumented Dockerfile with kaniko --no-push, so twistcli scans the image as the last step; applies the policy.")
        .Requires(() => ConsoleUrl, () => ConsoleUser, () => ConsolePassword)
        .Executes(async ct => await KanikoBuild.Pipeline.AlternativeA.ScanBuildCommand.RunAsync(Settings, ct, checkedInputs: await CheckedInputsAsync(ct)));

    Target ReleaseBuild => _ => _
        .Description("A: builds the original Dockerfile with the same cache and pushes it to --destination; records the digest.")
        .DependsOn(ScanBuild)
        .Requires(() => Destination.Length > 0)
        .Executes(async ct => await KanikoBuild.Pipeline.AlternativeA.ReleaseBuildCommand.RunAsync(Settings, ct, await CheckedInputsAsync(ct)));
}
