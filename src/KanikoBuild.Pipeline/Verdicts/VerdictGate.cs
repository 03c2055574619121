using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.Verdicts;

/// <summary>
/// The gate both alternatives end in: the policy applied to a scan result, every report written, and the build
/// failed with every reason when the verdict is a fail. Reports are written before failing, so CI shows them.
/// The policy is the one the preflight loaded before the build (<see cref="VerdictOptions"/>), never re-read.
/// </summary>
public static class VerdictGate
{
    public static async Task<Verdict> ApplyAsync(ScanResult result, PipelineSettings settings, VerdictOptions verdictOptions, string? dockerfilePath, TimeProvider time, CancellationToken ct)
    {
        var rootDirectory = settings.RootDirectory;
        result = result with { Identity = IdentityOf(result, settings, dockerfilePath) };
        var verdict = PolicyEvaluator.Evaluate(result, verdictOptions.Policy, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var options = new ReportOptions
        {
            Directory = verdictOptions.ReportsDirectory,
            Formats = verdictOptions.Formats,
            DockerfilePath = dockerfilePath is null ? null : Path.GetRelativePath(rootDirectory, dockerfilePath).Replace('\\', '/'),
            TimeProvider = time,
        };
        // The writer names the files it wrote before its table, so the verdict line stays the last line.
        await ReportWriter.WriteAsync(result, verdict, options, Log.Logger, ct).ConfigureAwait(false);
        if (!verdict.Passed)
            throw new VerdictFailedException(result, verdict);
        return verdict;
    }

    /// <summary>
    /// The one place that names the image the reports are about, stable across runs: twistcli's result (A, and C's
    /// tarball scan) names a per-run scan, so it is the first <c>--destination</c>'s repository, else the Dockerfile
    /// relative to the root; the Console's registry result (B) is about the dev registry's repository.
    /// </summary>
    public static ImageIdentity IdentityOf(ScanResult result, PipelineSettings settings, string? dockerfilePath)
    {
        if (result.Source == ScanSource.RegistryApi)
        {
            if (string.IsNullOrWhiteSpace(settings.DevRegistry) || string.IsNullOrWhiteSpace(settings.Image))
                return ImageIdentity.OfScan(result); // the API's repoTag, whose repository is the key
            var registry = RegistrySpec.Parse(settings.DevRegistry, "--dev-registry");
            return ImageIdentity.OfRepository($"{registry.Host}/{registry.Repository(settings.Image)}");
        }
        if (settings.Destinations.FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) is { } destination)
            return ImageIdentity.OfRepository(destination);
        if (dockerfilePath is not null)
            return ImageIdentity.OfDockerfile(Path.GetRelativePath(settings.RootDirectory, dockerfilePath));
        return ImageIdentity.OfScan(result);
    }

    public static string ReportsDirectory(PipelineSettings settings) =>
        Path.GetFullPath(settings.ReportsDir ?? ReportOptions.DefaultDirectory, settings.RootDirectory);
}
