using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.Promotion;
using KanikoBuild.Pipeline.RegistryScan;
using KanikoBuild.LocalPeers;
using KanikoBuild.Pipeline.ScanInBuild;
using KanikoBuild.Pipeline.TarballScan;
using KanikoBuild.Prisma;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Tooling.Sandbox;

/// <summary>What the Sandbox expects of one sample's verdict.</summary>
public enum SandboxExpectation
{
    Pass,

    /// <summary>The verdict fails (the vulnerable sample under the default policy).</summary>
    FailThePolicy,

    /// <summary>The user's own policy (<c>--policy</c>, <c>--fail-on</c>) decides; a pass and a policy failure are both fine.</summary>
    AsThePolicyDecides,
}

/// <summary>What happened: a verdict either way, or a failure that is no verdict (a bad parameter, a tool, a peer).</summary>
public enum SandboxResult
{
    Passed,
    FailedThePolicy,
    Error,
}

/// <summary>One verdict the Sandbox shows: which alternative, which sample, what was expected and what happened.</summary>
public sealed record SandboxOutcome(string Alternative, string Sample, SandboxExpectation Expected, SandboxResult Result, string Detail, string Reports)
{
    /// <summary>An error is never expected: only a verdict can be.</summary>
    public bool AsExpected => Expected switch
    {
        SandboxExpectation.Pass => Result == SandboxResult.Passed,
        SandboxExpectation.FailThePolicy => Result == SandboxResult.FailedThePolicy,
        _ => Result != SandboxResult.Error,
    };
}

/// <summary>
/// The whole pipeline on this machine in one command: a local registry (dev, release and production as prefixes
/// of it), the Console simulator, the kaniko executor and a twistcli stand-in; alternatives A, B and C on a passing and
/// a vulnerable sample; the verdicts and where the reports are; and everything it started stopped again.
/// </summary>
public static class SandboxCommand
{
    static readonly (string Name, bool ExpectedToPass)[] s_samples = [("app", true), ("app-vulnerable", false)];

    /// <summary>Where the reports land without <c>--reports-dir</c>: one folder per alternative and sample below it.</summary>
    public const string DefaultReportsDirectory = "artifacts/sandbox";

    /// <param name="run">The user's run: its root, and the verdict's and kaniko's options the Sandbox honours.</param>
    public static async Task<IReadOnlyList<SandboxOutcome>> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var root = run.RootDirectory;
        var samples = Path.Combine(root, "samples");
        var verdict = run.Options.Verdict;

        // The verdict's parameters are the user's and are checked before anything starts: a missing --policy file
        // is one clear error, never a sample that "failed as expected" (a bad --fail-on or --report-formats never
        // got this far: the engine refused the value).
        var policy = await verdict.LoadPolicyAsync(root, ct).ConfigureAwait(false);
        var formats = verdict.Formats;
        var ownPolicy = !string.IsNullOrWhiteSpace(verdict.Policy) || verdict.FailOn is not null;
        var reportsRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(verdict.ReportsDir) ? DefaultReportsDirectory : verdict.ReportsDir, root);
        Log.Information("Policy: {Policy}, fail on {FailOn}; reports ({Formats}) under {Reports}",
            policy.SourcePath is null ? "the built-in defaults" : Path.GetRelativePath(root, policy.SourcePath), policy.FailOn,
            string.Join(", ", formats.Select(f => f.ToString().ToLowerInvariant())), Path.GetRelativePath(root, reportsRoot));
        if (ownPolicy)
            Log.Information("Your policy decides the vulnerable sample's verdict: a pass and a policy failure are both shown as they come; anything else fails the Sandbox.");

        Log.Information("Starting a local registry, the Console SIMULATOR and the kaniko executor on this machine");
        await using var registry = await LocalRegistry.StartAsync(ct: ct).ConfigureAwait(false);
        Log.Information("Registry at {Registry} (dev: /dev, release: /release, production: /prod, shipped tarballs: /shipped)", registry.Host);
        var twistcli = await StandIns.BuildGoAsync(root, "twistcli", ct).ConfigureAwait(false);

        const string user = "sandbox";
        var password = string.IsNullOrEmpty(run.Options.Console.Password) ? RandomNumberGenerator.GetHexString(32, lowercase: true) : run.Options.Console.Password;
        Secrets.Register(password);
        await using var console = await ConsoleSimulatorProcess.StartAsync(root, user, password, Path.Combine(samples, "feed-entries.json"), twistcli, ct).ConfigureAwait(false);
        Log.Information("Console SIMULATOR at {Console} (not a real Prisma Cloud Console)", console.ConsoleUrl);

        var kanikoImage = await KanikoImageAsync(run.Options.Kaniko, root, ct).ConfigureAwait(false);
        using (var client = new RegistryClient(RegistrySpec.Parse(registry.Host), new RegistryClientOptions { UseDockerConfig = false }))
            await BaseImage.PushBusyboxAsync(client, "busybox", "1.36", ct).ConfigureAwait(false);

        var outcomes = new List<SandboxOutcome>();
        foreach (var (sample, expectedToPass) in s_samples)
        {
            var expected = expectedToPass ? SandboxExpectation.Pass : ownPolicy ? SandboxExpectation.AsThePolicyDecides : SandboxExpectation.FailThePolicy;
            // The Sandbox's own world, whatever the user's parameters name: only the verdict's and kaniko's network are theirs.
            var common = new PipelineOptions
            {
                Input = new BuildInputOptions
                {
                    Context = samples,
                    Dockerfile = Path.Combine(samples, sample, "Dockerfile"),
                    BuildArgs = [$"BASE_IMAGE={registry.Host}/busybox:1.36"],
                    CacheRepo = ImageReference.Parse($"{registry.Host}/cache/{sample}"),
                },
                Kaniko = new KanikoOptions { Image = kanikoImage, Runner = KanikoRunnerKind.Docker, Network = run.Options.Kaniko.Network ?? "host" },
                Console = new ConsoleOptions { Url = console.ConsoleUrl, User = user, Password = password, TwistcliPath = twistcli },
                Wait = new ScanWaitOptions { TriggerScan = true, ScanTimeout = TimeSpan.FromSeconds(180) },
                Registries = new RegistryOptions { Dev = RegistrySpec.Parse($"{registry.Host}/dev"), Prod = RegistrySpec.Parse($"{registry.Host}/prod") },
                Image = new ImageOptions { Name = $"samples/{sample}", Tag = "sandbox" },
                Verdict = verdict,
            };
            // The release destination is set for ScanBuild too: it names the image in the reports, as in a pipeline.
            var release = common with { Input = common.Input with { Destinations = [ImageReference.Parse($"{registry.Host}/release/samples/{sample}:sandbox")] } };
            outcomes.Add(await RunAlternativeAsync("A", sample, expected, run, release, reportsRoot, async r =>
            {
                await ScanBuildStep.RunAsync(r, ct).ConfigureAwait(false);
                var pushed = await ReleaseBuildStep.RunAsync(r, ct).ConfigureAwait(false);
                return $"scanned, released as {pushed.Reference}@{pushed.Digest}";
            }).ConfigureAwait(false));
            outcomes.Add(await RunAlternativeAsync("B", sample, expected, run, common, reportsRoot, async r =>
            {
                var pushed = await PushDevStep.RunAsync(r, ct).ConfigureAwait(false);
                await AwaitScanStep.RunAsync(r, ct).ConfigureAwait(false);
                var promoted = await PromoteStep.RunAsync(r, ct).ConfigureAwait(false);
                return $"pushed to dev, passed the Console's scan, promoted {promoted.Digest} to {registry.Host}/prod/samples/{sample}:sandbox";
            }).ConfigureAwait(false));
            // C: one build to a tarball, twistcli --tarball on it, the same bytes pushed; the destination names the image in the reports.
            var shipped = common with { Input = common.Input with { Destinations = [ImageReference.Parse($"{registry.Host}/shipped/samples/{sample}:sandbox")] } };
            outcomes.Add(await RunAlternativeAsync("C", sample, expected, run, shipped, reportsRoot, async r =>
            {
                var scanned = await ScanTarballStep.RunAsync(r, ct).ConfigureAwait(false);
                var pushed = await PushScannedStep.RunAsync(r, ct).ConfigureAwait(false);
                return $"built once, scanned the tarball, shipped {pushed.Reference}@{pushed.Digest} (config = the scanned image {scanned.ImageId})";
            }).ConfigureAwait(false));
        }

        Report(outcomes, root);
        var unexpected = outcomes.Where(o => !o.AsExpected).ToList();
        if (unexpected.Count > 0)
            throw new PipelineException($"{unexpected.Count} of {outcomes.Count} runs did not end as the samples expect: {string.Join("; ", unexpected.Select(o => $"{o.Alternative}/{o.Sample}: {o.Detail}"))}");
        Log.Information("Done: every verdict is the expected one; stopping the registry and the Console SIMULATOR.");
        return outcomes;
    }

    /// <summary>
    /// Runs one alternative on one sample and says what happened. Only a failed verdict
    /// (<see cref="VerdictFailedException"/>, naming its reasons and CVEs) counts as a policy failure; every other
    /// failure is an error, which no sample expects, so it fails the Sandbox.
    /// </summary>
    internal static async Task<SandboxOutcome> RunAlternativeAsync(string alternative, string sample, SandboxExpectation expected, PipelineRun userRun,
        PipelineOptions options, string reportsRoot, Func<PipelineRun, Task<string>> run)
    {
        var reports = Path.Combine(reportsRoot, alternative, sample);
        // Each run hands its digest on through its own folder, never the user's .nuke/temp.
        var temporary = Path.Combine(userRun.TemporaryDirectory, "sandbox", alternative, sample);
        var sandboxRun = new PipelineRun(userRun.RootDirectory, temporary, options with
        {
            Input = options.Input with { InstrumentedDockerfile = Path.Combine(temporary, "Dockerfile.scan") },
            Verdict = options.Verdict with { ReportsDir = reports },
        });
        Log.Information("Alternative {Alternative} on samples/{Sample} (expected to {Expectation})", alternative, sample, expected switch
        {
            SandboxExpectation.Pass => "pass",
            SandboxExpectation.FailThePolicy => "fail the policy",
            _ => "pass or fail as your policy decides",
        });
        try
        {
            var detail = await run(sandboxRun).ConfigureAwait(false);
            return new SandboxOutcome(alternative, sample, expected, SandboxResult.Passed, detail, reports);
        }
        catch (VerdictFailedException e)
        {
            var outcome = new SandboxOutcome(alternative, sample, expected, SandboxResult.FailedThePolicy, e.Message, reports);
            if (outcome.AsExpected)
                Log.Information("samples/{Sample} failed the policy, as expected: {Reason}", sample, e.Message);
            return outcome;
        }
        catch (PipelineException e)
        {
            Log.Error("samples/{Sample}, alternative {Alternative}: {Reason}", sample, alternative, e.Message);
            return new SandboxOutcome(alternative, sample, expected, SandboxResult.Error, e.Message, reports);
        }
    }

    static void Report(IReadOnlyList<SandboxOutcome> outcomes, string root)
    {
        Log.Information("Verdicts:");
        foreach (var o in outcomes)
        {
            Log.Information("  {Alternative}  samples/{Sample,-15} {Verdict,-5} ({Expectation})  reports: {Reports}",
                o.Alternative, o.Sample, o.Result switch { SandboxResult.Passed => "PASS", SandboxResult.FailedThePolicy => "FAIL", _ => "ERROR" },
                o.AsExpected ? "as expected" : "NOT as expected", Path.GetRelativePath(root, o.Reports));
            if (o.Result != SandboxResult.Passed)
                Log.Information("     {Detail}", o.Detail);
        }
    }

    /// <summary>
    /// The executor image: the one given (by default the real osscontainertools debug image), pulled if missing.
    /// Where it cannot be pulled (no network, as on some CI machines), the kaniko stand-in is built and said so.
    /// </summary>
    static async Task<string> KanikoImageAsync(KanikoOptions kaniko, string root, CancellationToken ct)
    {
        var image = kaniko.DockerRunner.Image;
        using var configuration = new DockerClientConfiguration(DockerEndpoint.Resolve());
        using var docker = configuration.CreateClient();
        try
        {
            await docker.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
            return image;
        }
        catch (DockerImageNotFoundException)
        {
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            throw new PipelineException($"The Sandbox needs a running Docker engine ({DockerEndpoint.Resolve()}): {e.Message}", e);
        }
        try
        {
            Log.Information("Pulling the kaniko executor {Image}", image);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            var reference = ImageReference.Parse(image);
            await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = $"{reference.Registry}/{reference.Repository}", Tag = reference.Reference }, null, new Progress<JSONMessage>(), timeout.Token).ConfigureAwait(false);
            await docker.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
            return image;
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            Log.Warning("{Image} cannot be pulled here ({Reason}); using the kaniko STAND-IN built from standins/kaniko instead (see standins/kaniko/README.md for what it does not prove).",
                image, e.Message.Split('\n')[0]);
            return await StandIns.EnsureKanikoImageAsync(docker, root, StandIns.KanikoRepository, ct).ConfigureAwait(false);
        }
    }
}
