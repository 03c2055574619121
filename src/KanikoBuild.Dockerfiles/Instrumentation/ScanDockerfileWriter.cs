using Serilog;

namespace KanikoBuild.Dockerfiles;

/// <summary>Reads a Dockerfile, instruments it and writes the scan Dockerfile: the <c>Instrument</c> target and ScanBuild both use it.</summary>
public static class ScanDockerfileWriter
{
    public const string DefaultOutput = ".nuke/temp/Dockerfile.scan";

    /// <summary>
    /// Applies the target's defaults (Dockerfile in the context or root, output under <c>.nuke/temp</c>), checks the
    /// parameters, writes the scan Dockerfile and returns its full path.
    /// </summary>
    public static async Task<string> WriteForTargetAsync(InstrumentRequest request, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.ConsoleUrl))
            throw new PipelineException("The scan stage needs the Console address: pass --console-url (e.g. https://console.example.com:8083).");
        if (request.ConsoleCaCert is { Length: > 0 } ca && !File.Exists(Path.GetFullPath(ca, request.RootDirectory)))
            throw new PipelineException($"Console CA certificate '{ca}' does not exist; check --console-ca-cert.");
        var dockerfile = Path.GetFullPath(request.Dockerfile ?? Path.Combine(LocalContext(request) ?? ".", "Dockerfile"), request.RootDirectory);
        var output = Path.GetFullPath(request.InstrumentedDockerfile ?? DefaultOutput, request.RootDirectory);
        var options = new ScanStageOptions
        {
            ConsoleAddress = request.ConsoleUrl.Trim(),
            Project = string.IsNullOrWhiteSpace(request.ConsoleProject) ? null : request.ConsoleProject.Trim(),
            CaCertificate = !string.IsNullOrEmpty(request.ConsoleCaCert),
            Stage = request.Stage,
        };
        await WriteAsync(dockerfile, output, options, logger, ct).ConfigureAwait(false);
        return output;
    }

    // A remote context (tar://, git://, s3://…) has no local Dockerfile to default to: the root's is used then.
    static string? LocalContext(InstrumentRequest request) =>
        request.Context is { Length: > 0 } context && !context.Contains("://", StringComparison.Ordinal) ? context : null;

    public static async Task<InstrumentedDockerfile> WriteAsync(string dockerfilePath, string outputPath, ScanStageOptions options,
        ILogger? logger = null, CancellationToken ct = default)
    {
        logger ??= Log.Logger;
        var dockerfile = await DockerfileParser.LoadAsync(dockerfilePath, ct).ConfigureAwait(false);
        var instrumented = ScanInstrumenter.Instrument(dockerfile, options);
        var directory = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        try
        {
            if (directory is not null)
                Directory.CreateDirectory(directory);
            // Written whole to a temporary file first, so a reader never sees half a Dockerfile.
            var partial = outputPath + ".partial";
            await File.WriteAllTextAsync(partial, instrumented.Text, new System.Text.UTF8Encoding(false), ct).ConfigureAwait(false);
            File.Move(partial, outputPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipelineException($"Could not write the scan Dockerfile to '{outputPath}': {e.Message}; check --instrumented-dockerfile.", e);
        }
        logger.Information("Scan Dockerfile for stage {Stage} of {Dockerfile} written to {Path}; build target {Target}, report id {ReportId}",
            instrumented.ScannedStage, dockerfilePath, outputPath, instrumented.ScanStage, instrumented.ReportId);
        if (instrumented.SkipsOnBuildTriggers)
        {
            logger.Information("Stage {Stage} declares ONBUILD triggers: the scan stage copies its filesystem instead of building FROM it, so the triggers do not run",
                instrumented.ScannedStage);
        }
        return instrumented;
    }
}

/// <summary>The <c>Instrument</c> target's parameters as given (null when not given).</summary>
public sealed record InstrumentRequest(string RootDirectory, string? Dockerfile, string? Context, string? Stage, string? InstrumentedDockerfile,
    string? ConsoleUrl, string? ConsoleProject, string? ConsoleCaCert);
