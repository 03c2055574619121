using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.RegistryScan;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.Preflight;

/// <summary>
/// Checks every input that can be checked without building, for all the pipeline targets of a run, before the
/// first kaniko container starts: a 10-minute build must not end on a typo in the policy. Each target says which
/// concerns it reads (<see cref="Needs"/>); a run checks the union of its scheduled targets' (Promote after PushDev
/// also checks the verdict's and the production registry's inputs before PushDev builds). Every problem is
/// reported together, each naming its parameter. The result holds what the checks found and loaded, which the
/// steps use from then on: the policy is loaded here once and the verdict applies this same policy.
/// </summary>
public static class PipelinePreflight
{
    /// <summary>The concerns a target reads.</summary>
    [Flags]
    enum Concern
    {
        None = 0,
        Build = 1,
        LocalDockerfile = 1 << 1,
        Pushes = 1 << 2,
        ConsoleAddress = 1 << 3,
        ConsoleAccount = 1 << 4,
        Twistcli = 1 << 5,
        Verdict = 1 << 6,
        DevImage = 1 << 7,
        Promotion = 1 << 8,
        Destinations = 1 << 9,
        Wait = 1 << 10,
        Logins = 1 << 11,
        RecordedImage = 1 << 12,
        Signs = 1 << 13,
        Verifies = 1 << 14,
    }

    static Concern Needs(PipelineTargets targets)
    {
        var needs = Concern.None;
        // The scan Dockerfile: the local Dockerfile with a scan stage that reaches the Console.
        if (targets.HasFlag(PipelineTargets.Instrument))
            needs |= Concern.Build | Concern.LocalDockerfile | Concern.ConsoleAddress;
        // A: the instrumented build scans through the Console, then the verdict.
        if (targets.HasFlag(PipelineTargets.ScanBuild))
            needs |= Concern.Build | Concern.LocalDockerfile | Concern.ConsoleAddress | Concern.ConsoleAccount | Concern.Twistcli | Concern.Verdict | Concern.Logins;
        // A: the original Dockerfile again, pushed to --destination.
        if (targets.HasFlag(PipelineTargets.ReleaseBuild))
            needs |= Concern.Build | Concern.Pushes | Concern.Destinations | Concern.Logins;
        // B: the original Dockerfile pushed to the dev registry.
        if (targets.HasFlag(PipelineTargets.PushDev))
            needs |= Concern.Build | Concern.Pushes | Concern.DevImage | Concern.Logins;
        // B: the Console's result for the dev image, then the verdict.
        if (targets.HasFlag(PipelineTargets.AwaitScan))
            needs |= Concern.ConsoleAddress | Concern.ConsoleAccount | Concern.Verdict | Concern.DevImage | Concern.Wait | Concern.Logins;
        // B: the dev image copied to production.
        if (targets.HasFlag(PipelineTargets.Promote))
            needs |= Concern.DevImage | Concern.Promotion | Concern.Logins;
        // What ships is signed with --signing-key, and a signed verdict found on it is checked with --verify-key.
        if ((targets & (PipelineTargets.ReleaseBuild | PipelineTargets.Promote | PipelineTargets.PushScanned)) != 0)
            needs |= Concern.Signs;
        // AwaitScan signs the dev digest too, so a later job's Promote can check the verdict it carries.
        if (targets.HasFlag(PipelineTargets.AwaitScan))
            needs |= Concern.Signs;
        // A digest's signature and verdict, checked with a public key.
        if (targets.HasFlag(PipelineTargets.VerifyImage))
            needs |= Concern.Verifies | Concern.Logins;
        // C: the original Dockerfile built once to a tarball (a stage by name, as a push build), scanned by twistcli, then the verdict.
        if (targets.HasFlag(PipelineTargets.ScanTarball))
            needs |= Concern.Build | Concern.Pushes | Concern.ConsoleAddress | Concern.ConsoleAccount | Concern.Twistcli | Concern.Verdict | Concern.Logins;
        // C: the scanned tarball pushed to --destination; the reports get the proof, so the verdict's inputs too.
        if (targets.HasFlag(PipelineTargets.PushScanned))
            needs |= Concern.Build | Concern.Destinations | Concern.Verdict | Concern.Logins;
        // Without PushDev in this run, the image is --image-digest or the one PushDev recorded earlier.
        if ((targets & (PipelineTargets.AwaitScan | PipelineTargets.Promote)) != 0 && !targets.HasFlag(PipelineTargets.PushDev))
            needs |= Concern.RecordedImage;
        return needs;
    }

    /// <summary>Checks the inputs of <paramref name="targets"/>; throws one <see cref="PipelineException"/> listing every problem.</summary>
    public static async Task<CheckedInputs> CheckAsync(PipelineRun run, PipelineTargets targets, CancellationToken ct)
    {
        var problems = new InputProblems();
        var inputs = await CheckAsync(run, targets, problems, ct).ConfigureAwait(false);
        problems.ThrowIfAny();
        return inputs;
    }

    public static Task<CheckedInputs> CheckAsync(PipelineRun run, IEnumerable<string> scheduledTargets, CancellationToken ct) =>
        CheckAsync(run, PipelineTargetNames.Parse(scheduledTargets), ct);

    /// <summary>Checks the inputs of <paramref name="targets"/>, adding what is wrong to <paramref name="problems"/> (the engine's, when the build runs it).</summary>
    public static async Task<CheckedInputs> CheckAsync(PipelineRun run, PipelineTargets targets, InputProblems problems, CancellationToken ct)
    {
        // An --image-digest that did not convert was still given: PushDev, which it skips, has nothing to say then.
        if (problems.IsRejected(ParameterName.Of<ImageOptions>(nameof(ImageOptions.Digest))))
            targets &= ~PipelineTargets.PushDev;
        var needs = Needs(targets);
        var build = needs.HasFlag(Concern.Build)
            ? await InputChecks.BuildAsync(run, needs.HasFlag(Concern.LocalDockerfile), needs.HasFlag(Concern.Pushes), problems, ct).ConfigureAwait(false)
            : null;
        var address = needs.HasFlag(Concern.ConsoleAddress) ? InputChecks.ConsoleAddress(run, problems) : null;
        var console = needs.HasFlag(Concern.ConsoleAccount) ? InputChecks.Console(run, address, needs.HasFlag(Concern.Twistcli), problems) : null;
        var verdict = needs.HasFlag(Concern.Verdict) ? await InputChecks.VerdictAsync(run, problems, ct).ConfigureAwait(false) : null;
        var devImage = needs.HasFlag(Concern.DevImage) ? InputChecks.DevImage(run, problems) : null;
        var promotion = needs.HasFlag(Concern.Promotion) ? InputChecks.Promotion(run, problems) : null;
        var destinations = needs.HasFlag(Concern.Destinations) ? InputChecks.Destinations(run, problems) : [];
        var timeout = needs.HasFlag(Concern.Wait) ? InputChecks.ScanTimeout(run, problems) : run.Options.Wait.ScanTimeout;
        var logins = needs.HasFlag(Concern.Logins) ? InputChecks.Logins(run, problems) : RegistryLogins.None;
        var signing = (needs & (Concern.Signs | Concern.Verifies)) != 0
            ? InputChecks.Signing(run, needs.HasFlag(Concern.Signs), needs.HasFlag(Concern.Verifies), problems)
            : CheckedSigning.None;
        if (needs.HasFlag(Concern.RecordedImage))
            await RequireRecordedDigestAsync(run, devImage, problems, ct).ConfigureAwait(false);
        return new CheckedInputs
        {
            Targets = targets, Build = build, ConsoleAddress = address, Console = console, Verdict = verdict, DevImage = devImage,
            Promotion = promotion, Destinations = destinations, ScanTimeout = timeout, Logins = logins, Signing = signing,
        };
    }

    static async Task RequireRecordedDigestAsync(PipelineRun run, CheckedDevImage? image, InputProblems problems, CancellationToken ct)
    {
        if (run.Options.Image.Digest is not null)
            return;
        var digestName = ParameterName.Of<ImageOptions>(nameof(ImageOptions.Digest));
        var handOff = new HandOff(run.TemporaryDirectory, PushDevStep.Target);
        try
        {
            // Without a valid image (reported already) a record cannot be matched; only its absence is worth saying.
            var found = image is null
                ? (await handOff.ReadAsync(ct).ConfigureAwait(false))?.Image
                : await handOff.ReadForAsync(DevImageDigest.SubjectOf(image, BuildFingerprint.TryOf(run)), ct).ConfigureAwait(false);
            if (found is not null)
                return;
        }
        catch (PipelineException e)
        {
            problems.Add(digestName, e.Message);
            return;
        }
        problems.Add(digestName, $"no image to wait for or promote: PushDev does not run here and has recorded no digest ({handOff.DigestFile}); run PushDev first, or pass {digestName} sha256:… of an image pushed earlier.");
    }
}
