using KanikoBuild.Dockerfiles;
using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Twistcli;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.ScanInBuild;

/// <summary>
/// Alternative A, first build: the Dockerfile gets a last stage that runs twistcli on the final filesystem,
/// kaniko builds it without pushing, and the result twistcli wrote is judged by the policy.
/// </summary>
public static class ScanBuildStep
{
    /// <summary>What ScanBuild leaves for ReleaseBuild: the scanned image's layers.</summary>
    public static string RecordDirectory(PipelineRun run) => Path.Combine(run.TemporaryDirectory, "scanbuild");

    /// <summary>The name the scan build's tarball gives its image (RepoTags); nothing is pushed there.</summary>
    public const string ScanImageName = "kanikobuild/scanned-stage:scan";

    public static async Task<ScanBuildOutcome> RunAsync(PipelineRun run, CancellationToken ct, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var checkedInputs = await run.InputsForAsync(PipelineTargets.ScanBuild, ct).ConfigureAwait(false);
        var inputs = new BuildInputs(run, checkedInputs);
        // The preflight required a local context, so the Dockerfile is on this machine and already parsed.
        var dockerfilePath = inputs.DockerfilePath!;
        var console = checkedInputs.RequireConsole();

        using var client = ConsoleConnection.CreateClient(console, time);
        // A short-lived token, not the password, is what reaches the build (registered as a secret by the client).
        var token = await client.GetTokenAsync(ct).ConfigureAwait(false);
        var twistcli = await new TwistcliProvider(client, TwistcliProvider.DefaultCacheDirectory(run.RootDirectory), Log.Logger)
            .AcquireAsync(console.TwistcliPath, ct, ConsoleConnection.BuildPlatform()).ConfigureAwait(false);

        using var tools = await ScanToolsFolder.CreateAsync(twistcli, token, console.Address.CaCertificatePath, ct).ConfigureAwait(false);
        var instrumented = ScanStage.Instrument(run, checkedInputs,
            jobName: Environment.GetEnvironmentVariable("JOB_NAME") ?? Environment.GetEnvironmentVariable("CI_JOB_NAME") ?? Environment.GetEnvironmentVariable("GITHUB_JOB"));
        var scanDockerfile = await WriteScanDockerfileAsync(run, dockerfilePath, instrumented, tools, ct).ConfigureAwait(false);
        Log.Information("Scanning stage '{Stage}' of {Dockerfile} (report {ReportId})", instrumented.ScannedStage,
            Path.GetRelativePath(run.RootDirectory, dockerfilePath), instrumented.ReportId);

        var record = RecordDirectory(run);
        Directory.CreateDirectory(record);
        var tarball = Path.Combine(record, "scanned-image.tar");
        File.Delete(tarball);
        var request = inputs.BaseRequest() with
        {
            Dockerfile = scanDockerfile,
            NoPush = true,
            // Never pushed (--no-push); it names the image in the tarball. kaniko v1.24's source accepts
            // --no-push --tar-path without one, kaniko.md §8 reports it refused: with a name both work.
            Destinations = [ScanImageName],
            Targets = [instrumented.ScanStage],
            TarPath = tarball,
            Mounts = [new KanikoMount(tools.Root, ScanToolsFolder.PathInBuild, ReadOnly: false)],
        };

        KanikoFailure? failure = null;
        try
        {
            await inputs.CreateRunner().RunAsync(request, ct).ConfigureAwait(false);
        }
        catch (KanikoFailure e)
        {
            failure = e;
        }

        var resultFile = Path.Combine(tools.Root, instrumented.ResultRelativePath);
        if (!File.Exists(resultFile))
        {
            if (failure is { Kind: KanikoFailureKind.BuildStepFailed } && failure.FailedStep?.Contains(instrumented.ReportId, StringComparison.Ordinal) == true)
                throw new PipelineException($"twistcli failed without writing a result (a tool or connectivity error, not a policy verdict; exit {failure.ExitCode}): check that the build reaches {console.Address.Url}, the Console's CA ({ParameterName.Of<ConsoleOptions>(nameof(ConsoleOptions.CaCert))}) and the account's role; twistcli's own message is in the log above.", failure);
            if (failure is not null)
                throw failure;
            throw new PipelineException($"The scan build succeeded but twistcli's result '{instrumented.ResultPathInBuild}' is missing; the executor must mount {ScanToolsFolder.PathInBuild} writable.");
        }

        var result = await ScanResultReader.FromTwistcliOutputFileAsync(resultFile, ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(record, "twistcli-result.json"), await File.ReadAllTextAsync(resultFile, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        if (failure is not null)
            Log.Information("twistcli exited non-zero with a result: the Console's CI policy failed the image; the pipeline's policy decides below.");

        IReadOnlyList<string> layers = [];
        if (File.Exists(tarball))
        {
            layers = await ScannedLayers.FromTarballAsync(tarball, ct).ConfigureAwait(false);
            await File.WriteAllLinesAsync(Path.Combine(record, "scanned-layers"), layers, ct).ConfigureAwait(false);
            File.Delete(tarball);
        }

        var identity = VerdictGate.IdentityOf(result, run.RootDirectory, run.Options.Input.Destinations.FirstOrDefault(), devRepository: null, dockerfilePath);
        var verdict = await VerdictGate.ApplyAsync(result, identity, checkedInputs.RequireVerdict(), run.RootDirectory, dockerfilePath, time, ct).ConfigureAwait(false);
        // The verdict is about the scanned stage's layers: ReleaseBuild ships on it only for a digest with exactly these.
        run.Verdicts.RecordScannedStage(layers, result with { Identity = identity }, verdict, checkedInputs.RequireVerdict().PolicyDigest);
        return new ScanBuildOutcome(instrumented, result, verdict, layers);
    }

    static async Task<string> WriteScanDockerfileAsync(PipelineRun run, string dockerfilePath, InstrumentedDockerfile instrumented, ScanToolsFolder tools, CancellationToken ct)
    {
        // The scan Dockerfile lives in the tools folder (mounted at /kaniko/kanikobuild), not in the user's context.
        var inBuild = Path.Combine(tools.Root, "Dockerfile.scan");
        await File.WriteAllTextAsync(inBuild, instrumented.Text, ct).ConfigureAwait(false);
        // A Dockerfile-specific ignore file applies to the scan Dockerfile too, so both builds see the same context.
        var ignore = dockerfilePath + ".dockerignore";
        if (File.Exists(ignore))
            File.Copy(ignore, inBuild + ".dockerignore");
        await ScanStage.WriteVisibleCopyAsync(run, instrumented, dockerfilePath, ct).ConfigureAwait(false);
        return inBuild;
    }
}

public sealed record ScanBuildOutcome(InstrumentedDockerfile Instrumented, ScanResult Result, Verdict Verdict, IReadOnlyList<string> ScannedLayers);
