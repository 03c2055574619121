using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.Verdicts;

/// <summary>
/// The gate both alternatives end in: the policy applied to a scan result, every report written, and the build
/// failed with every reason when the verdict is a fail. Reports are written before failing, so CI shows them.
/// The policy is the one the preflight loaded before the build (<see cref="CheckedVerdict"/>), never re-read.
/// </summary>
public static class VerdictGate
{
    /// <param name="identity">The image the reports are about (<see cref="IdentityOf"/>).</param>
    /// <param name="scannedImage">The scanned image's layers, when the pipeline holds its bytes (C's tarball); shown in Markdown and JSON.</param>
    public static async Task<Verdict> ApplyAsync(ScanResult result, ImageIdentity identity, CheckedVerdict checkedVerdict, string rootDirectory,
        string? dockerfilePath, TimeProvider time, CancellationToken ct, ScannedImageSection? scannedImage = null)
    {
        result = result with { Identity = identity };
        var verdict = PolicyEvaluator.Evaluate(result, checkedVerdict.Policy, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var options = new ReportOptions
        {
            Directory = checkedVerdict.ReportsDirectory,
            Formats = checkedVerdict.Formats,
            DockerfilePath = dockerfilePath is null ? null : Path.GetRelativePath(rootDirectory, dockerfilePath).Replace('\\', '/'),
            TimeProvider = time,
            ScannedImage = scannedImage,
        };
        // The writer names the files it wrote before its table, so the verdict line stays the last line.
        await ReportWriter.WriteAsync(result, verdict, options, Log.Logger, ct).ConfigureAwait(false);
        if (!verdict.Passed)
            throw new VerdictFailedException(result, verdict);
        return verdict;
    }

    /// <summary>
    /// The one place that names the image the reports are about, stable across runs: twistcli's result (A, and C's
    /// tarball scan) names a per-run scan, so it is the first destination's repository, else the Dockerfile relative
    /// to the root; the Console's registry result (B) is about the dev registry's repository.
    /// </summary>
    /// <param name="devRepository"><c>host/prefix/image</c> in the dev registry, when known.</param>
    public static ImageIdentity IdentityOf(ScanResult result, string rootDirectory, Registry.ImageReference? firstDestination, string? devRepository, string? dockerfilePath)
    {
        if (result.Source == ScanSource.RegistryApi)
            return devRepository is null ? ImageIdentity.OfScan(result) : ImageIdentity.OfRepository(devRepository); // else the API's repoTag, whose repository is the key
        if (firstDestination is not null)
            return ImageIdentity.OfRepository($"{firstDestination.Registry}/{firstDestination.Repository}");
        if (dockerfilePath is not null)
            return ImageIdentity.OfDockerfile(Path.GetRelativePath(rootDirectory, dockerfilePath));
        return ImageIdentity.OfScan(result);
    }
}
