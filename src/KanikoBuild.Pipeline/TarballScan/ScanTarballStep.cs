using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Twistcli;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.TarballScan;

/// <summary>
/// Alternative C, the one build: kaniko builds the original Dockerfile with <c>--no-push --tar-path</c>, twistcli
/// <c>--tarball</c> scans that tarball (on this host when it can, else in a container), and the policy judges the
/// result. The tarball stays for PushScanned, which ships these same bytes; the verdict is recorded on its image ID.
/// </summary>
public static class ScanTarballStep
{
    /// <summary>The name in the tarball's RepoTags when no --destination is given (kaniko needs one with --no-push).</summary>
    public const string UnnamedImage = "kanikobuild/scanned-tarball:scan";

    public static async Task<ScanTarballOutcome> RunAsync(PipelineRun run, CancellationToken ct, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var checkedInputs = await run.InputsForAsync(PipelineTargets.ScanTarball, ct).ConfigureAwait(false);
        var inputs = new BuildInputs(run, checkedInputs);
        var console = checkedInputs.RequireConsole();
        var record = new TarballRecord(run);
        record.Clear();

        // Built once: the original Dockerfile, not pushed; the destinations only name the image in the tarball.
        var destinations = run.Options.Input.Destinations;
        var request = inputs.BaseRequest() with
        {
            NoPush = true,
            Destinations = destinations.Length > 0 ? destinations.Select(d => d.ToString()).ToList() : [UnnamedImage],
            Targets = inputs.Build.PushTargets,
            TarPath = record.TarballPath,
        };
        await inputs.CreateRunner().RunAsync(request, ct).ConfigureAwait(false);

        // Opened and checked before the scan: an OCI archive, several images or a damaged tarball is one clear error here.
        using var archive = await DockerArchive.OpenAsync(record.TarballPath, ct, record.Directory).ConfigureAwait(false);
        Log.Information("Built {Tarball}: image {ImageId}, {Layers} layers, {Size:0.0} MB", Path.GetRelativePath(run.RootDirectory, record.TarballPath),
            archive.ImageId, archive.Layers.Count, archive.TotalSize / (1024.0 * 1024));

        var result = await ScanAsync(run, console, record, time, ct).ConfigureAwait(false);
        if (result.ImageId is { } scannedId && !string.Equals(scannedId, archive.ImageId, StringComparison.Ordinal))
            throw new PipelineException($"twistcli reports the image {scannedId}, but the tarball holds {archive.ImageId}; the result is not about this build, so nothing is judged or pushed.");
        if (result.ImageId is null)
            Log.Warning("twistcli's result names no image ID; the verdict is recorded on the tarball's {ImageId}.", archive.ImageId);

        var identity = VerdictGate.IdentityOf(result, run.RootDirectory, destinations.FirstOrDefault(), devRepository: null, inputs.DockerfilePath);
        var section = ScannedImageReport.Section(archive, shipped: []);
        try
        {
            var verdict = await VerdictGate.ApplyAsync(result, identity, checkedInputs.RequireVerdict(), run.RootDirectory, inputs.DockerfilePath, time, ct, section).ConfigureAwait(false);
            await record.WriteVerdictAsync(TarballVerdict.Of(archive.ImageId, result, verdict), ct).ConfigureAwait(false);
            // The verdict PushScanned ships on is this one, in memory: the file above only explains a refusal later.
            run.Verdicts.RecordForImage(archive.ImageId, result with { Identity = identity }, verdict, checkedInputs.RequireVerdict().PolicyDigest);
            return new ScanTarballOutcome(archive.ImageId, result, verdict, record.TarballPath);
        }
        catch (VerdictFailedException e)
        {
            // Recorded too, so a PushScanned run later (with --skip ScanTarball) names this failure instead of finding nothing.
            await record.WriteVerdictAsync(TarballVerdict.Of(archive.ImageId, e.Result, e.Verdict), ct).ConfigureAwait(false);
            throw;
        }
    }

    static async Task<ScanResult> ScanAsync(PipelineRun run, CheckedConsole console, TarballRecord record, TimeProvider time, CancellationToken ct)
    {
        using var client = ConsoleConnection.CreateClient(console, time);
        var twistcli = await new TwistcliProvider(client, TwistcliProvider.DefaultCacheDirectory(run.RootDirectory), Log.Logger)
            .AcquireAsync(console.TwistcliPath, ct, TarballScanner.RequiredTwistcliPlatform).ConfigureAwait(false);
        var kaniko = run.Options.Kaniko.DockerRunner;
        var scanner = new TarballScanner(new TarballScannerOptions
        {
            // The executor's image is in the engine already (the build just ran it) and carries the busybox the wrapper needs.
            ContainerImage = kaniko.Image,
            NetworkMode = kaniko.NetworkMode,
            WorkRoot = Path.Combine(run.TemporaryDirectory, "twistcli-scan"),
        }, client.GetTokenAsync, Log.Logger);
        var jobName = Environment.GetEnvironmentVariable("JOB_NAME") ?? Environment.GetEnvironmentVariable("CI_JOB_NAME") ?? Environment.GetEnvironmentVariable("GITHUB_JOB");
        var outcome = await scanner.ScanAsync(new TarballScanRequest
        {
            TwistcliPath = twistcli,
            TarballPath = record.TarballPath,
            Console = ConsoleEndpoint.Create(new Uri(ConsoleAddress.ForTwistcli(console.Address.Url))),
            ResultFile = record.ResultFile,
            // Shown under Monitor > Vulnerabilities > Images > CI in the Console.
            Publish = true,
            Project = console.Address.Project,
            CaCertificatePath = console.Address.CaCertificatePath,
            Environment = jobName is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["JOB_NAME"] = jobName },
        }, ct).ConfigureAwait(false);
        var resultFile = outcome.RequireResult();
        if (outcome.Verdict == TwistcliVerdict.PolicyFailed)
            Log.Information("twistcli exited non-zero with a result: the Console's CI policy failed the image; the pipeline's policy decides below.");
        return await ScanResultReader.FromTwistcliOutputFileAsync(resultFile, ct).ConfigureAwait(false);
    }
}

/// <summary>What ScanTarball judged: the tarball's image ID, twistcli's result and the verdict, and where the tarball is.</summary>
public sealed record ScanTarballOutcome(string ImageId, ScanResult Result, Verdict Verdict, string TarballPath);
