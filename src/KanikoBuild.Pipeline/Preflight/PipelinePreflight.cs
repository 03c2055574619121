using KanikoBuild.Pipeline.AlternativeB;
using KanikoBuild.Pipeline.State;

namespace KanikoBuild.Pipeline.Preflight;

/// <summary>
/// Checks every input that can be checked without building, for all the pipeline targets of a run, before the
/// first kaniko container starts: a 10-minute build must not end on a typo in the policy. One preflight per
/// target says what that target reads; a run's preflight is the union of its scheduled targets' (Promote after
/// PushDev also checks the verdict's and the production registry's inputs before PushDev builds). Every problem
/// is reported together, each naming its switch. The result holds the parsed values, which the targets use
/// from then on: the policy is loaded here once and the verdict applies this same policy.
/// </summary>
public static class PipelinePreflight
{
    /// <summary><paramref name="inputs"/> when they were checked for <paramref name="target"/> (the run's preflight), else that target's own preflight.</summary>
    public static async Task<CheckedInputs> EnsureAsync(PipelineSettings settings, PipelineTargets target, CheckedInputs? inputs, CancellationToken ct) =>
        inputs is not null && inputs.Covers(target) ? inputs : await CheckAsync(settings, target, ct).ConfigureAwait(false);

    public static Task<CheckedInputs> CheckAsync(PipelineSettings settings, IEnumerable<string> scheduledTargets, CancellationToken ct) =>
        CheckAsync(settings, PipelineTargetNames.Parse(scheduledTargets), ct);

    public static async Task<CheckedInputs> CheckAsync(PipelineSettings settings, PipelineTargets targets, CancellationToken ct)
    {
        var problems = new PreflightProblems();
        var needs = Needs.Of(targets);
        var build = needs.Build ? await InputParsers.BuildAsync(settings, targets.HasFlag(PipelineTargets.ScanBuild),
                pushes: (targets & (PipelineTargets.ReleaseBuild | PipelineTargets.PushDev)) != 0, problems, ct).ConfigureAwait(false) : null;
        var console = needs.Console ? InputParsers.Console(settings, problems) : null;
        var verdict = needs.Verdict ? await InputParsers.VerdictAsync(settings, problems, ct).ConfigureAwait(false) : null;
        var devImage = needs.DevImage ? InputParsers.DevImage(settings, problems) : null;
        var promotion = targets.HasFlag(PipelineTargets.Promote) ? InputParsers.Promotion(settings, problems) : null;
        var destinations = targets.HasFlag(PipelineTargets.ReleaseBuild) ? InputParsers.Destinations(settings, problems) : [];
        var timeout = targets.HasFlag(PipelineTargets.AwaitScan) ? InputParsers.ScanTimeout(settings, problems) : null;
        if (targets.HasFlag(PipelineTargets.ScanBuild))
            InputParsers.Twistcli(settings, problems);
        if ((targets.HasFlag(PipelineTargets.AwaitScan) || targets.HasFlag(PipelineTargets.Promote)) && !targets.HasFlag(PipelineTargets.PushDev))
            await RequireRecordedDigestAsync(settings, problems, ct).ConfigureAwait(false);
        problems.ThrowIfAny();
        return new CheckedInputs
        {
            Targets = targets, Build = build, Console = console, Verdict = verdict, DevImage = devImage, Promotion = promotion,
            Destinations = destinations, ScanTimeout = timeout,
        };
    }

    /// <summary>What each target reads, by concern.</summary>
    sealed record Needs(bool Build, bool Console, bool Verdict, bool DevImage)
    {
        public static Needs Of(PipelineTargets targets) => new[]
        {
            ScanBuild(targets), ReleaseBuild(targets), PushDev(targets), AwaitScan(targets), Promote(targets),
        }.Aggregate(new Needs(false, false, false, false), (a, b) => new(a.Build || b.Build, a.Console || b.Console, a.Verdict || b.Verdict, a.DevImage || b.DevImage));

        // A: the instrumented build scans through the Console, then the verdict.
        static Needs ScanBuild(PipelineTargets t) => t.HasFlag(PipelineTargets.ScanBuild) ? new(Build: true, Console: true, Verdict: true, DevImage: false) : None;

        // A: the original Dockerfile again, pushed to --destination (checked above).
        static Needs ReleaseBuild(PipelineTargets t) => t.HasFlag(PipelineTargets.ReleaseBuild) ? new(Build: true, Console: false, Verdict: false, DevImage: false) : None;

        // B: the original Dockerfile pushed to the dev registry.
        static Needs PushDev(PipelineTargets t) => t.HasFlag(PipelineTargets.PushDev) ? new(Build: true, Console: false, Verdict: false, DevImage: true) : None;

        // B: the Console's result for the dev image, then the verdict.
        static Needs AwaitScan(PipelineTargets t) => t.HasFlag(PipelineTargets.AwaitScan) ? new(Build: false, Console: true, Verdict: true, DevImage: true) : None;

        // B: the dev image copied to production (checked above).
        static Needs Promote(PipelineTargets t) => t.HasFlag(PipelineTargets.Promote) ? new(Build: false, Console: false, Verdict: false, DevImage: true) : None;

        static Needs None { get; } = new(false, false, false, false);
    }

    /// <summary>Without PushDev in this run, the image is --image-digest or the one PushDev recorded earlier.</summary>
    static async Task RequireRecordedDigestAsync(PipelineSettings settings, PreflightProblems problems, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(settings.ImageDigest))
            return;
        var handOff = new HandOff(settings.TemporaryDirectory, PushDevCommand.Target);
        try
        {
            if (await handOff.ReadAsync(ct).ConfigureAwait(false) is not null)
                return;
        }
        catch (PipelineException e)
        {
            problems.Add("--image-digest", e.Message);
            return;
        }
        problems.Add("--image-digest", $"no image to wait for or promote: PushDev does not run here and has recorded no digest ({handOff.DigestFile}); run PushDev first, or pass --image-digest sha256:… of an image pushed earlier.");
    }
}
