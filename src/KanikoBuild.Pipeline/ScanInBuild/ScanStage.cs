using KanikoBuild.Dockerfiles;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Prisma;
using Serilog;

namespace KanikoBuild.Pipeline.ScanInBuild;

/// <summary>
/// The scan stage as alternative A appends it, the same for the <c>Instrument</c> target (which only shows it) and
/// for ScanBuild (which builds it): the checked Dockerfile, the Console it reaches, and the copy people look at.
/// </summary>
internal static class ScanStage
{
    /// <summary>The instrumented Dockerfile for the run's checked Dockerfile and Console.</summary>
    public static InstrumentedDockerfile Instrument(PipelineRun run, CheckedInputs inputs, string? jobName = null)
    {
        var build = inputs.RequireBuild();
        var address = inputs.RequireConsoleAddress();
        // The preflight required a local context, so the Dockerfile is on this machine and already parsed.
        return ScanInstrumenter.Instrument(build.Dockerfile!, new ScanStageOptions
        {
            ConsoleAddress = ConsoleAddress.ForTwistcli(address.Url),
            Project = address.Project,
            CaCertificate = address.CaCertificatePath is not null,
            Stage = run.Options.Input.StageOrNull,
            JobName = jobName,
            // kaniko mounts the tools folder, so the scan step can end the scanned stage itself: no saved and
            // re-unpacked copy of the stage, no second full snapshot (benchmarks/README.md, alternative A).
            InStage = true,
        });
    }

    /// <summary><c>--instrumented-dockerfile</c>, else <c>.nuke/temp/Dockerfile.scan</c>, from the root.</summary>
    public static string VisiblePath(PipelineRun run) =>
        run.FromRoot(run.Options.Input.InstrumentedDockerfile ?? BuildInputOptions.DefaultInstrumentedDockerfile);

    /// <summary>Writes the copy to look at; it holds no credential (the token is only ever in the scan tools folder).</summary>
    public static async Task<string> WriteVisibleCopyAsync(PipelineRun run, InstrumentedDockerfile instrumented, string dockerfilePath, CancellationToken ct)
    {
        var path = VisiblePath(run);
        try
        {
            await ScanDockerfileWriter.WriteAsync(instrumented, dockerfilePath, path, Log.Logger, ct).ConfigureAwait(false);
        }
        catch (PipelineException e)
        {
            throw new PipelineException($"{e.Message.TrimEnd('.')}; check {ParameterName.Of<BuildInputOptions>(nameof(BuildInputOptions.InstrumentedDockerfile))}.", e);
        }
        return path;
    }
}
