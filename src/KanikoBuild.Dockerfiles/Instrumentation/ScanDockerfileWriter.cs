using Serilog;

namespace KanikoBuild.Dockerfiles;

/// <summary>Writes an instrumented (scan) Dockerfile where people look at it: the <c>Instrument</c> target and ScanBuild's copy.</summary>
public static class ScanDockerfileWriter
{
    /// <summary>Writes <paramref name="instrumented"/> (made from <paramref name="dockerfilePath"/>) to <paramref name="outputPath"/>, whole or not at all.</summary>
    public static async Task WriteAsync(InstrumentedDockerfile instrumented, string dockerfilePath, string outputPath, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(instrumented);
        logger ??= Log.Logger;
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
            throw new PipelineException($"Could not write the scan Dockerfile to '{outputPath}': {e.Message}.", e);
        }
        logger.Information("Scan Dockerfile for stage {Stage} of {Dockerfile} written to {Path}; build target {Target}, report id {ReportId}",
            instrumented.ScannedStage, dockerfilePath, outputPath, instrumented.ScanStage, instrumented.ReportId);
        if (instrumented.SkipsOnBuildTriggers)
        {
            logger.Information("Stage {Stage} declares ONBUILD triggers: the scan stage copies its filesystem instead of building FROM it, so the triggers do not run",
                instrumented.ScannedStage);
        }
    }
}
