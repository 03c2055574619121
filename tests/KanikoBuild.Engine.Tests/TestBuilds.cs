using System.Collections.Concurrent;

namespace KanikoBuild.Engine.Tests;

/// <summary>Records the order in which target bodies run.</summary>
public abstract class RecordingBuild : NukeBuild
{
    public ConcurrentQueue<string> Executed { get; } = new();

    protected Action Record(string name) => () => Executed.Enqueue(name);
}

/// <summary>A → B → C chain plus D that depends on A (as in Nuke's BuildExecutorTest), and an independent E.</summary>
public sealed class ChainBuild : RecordingBuild
{
    public Target A => _ => _.Executes(Record(nameof(A)));
    public Target B => _ => _.DependsOn(A).Executes(Record(nameof(B)));
    public Target C => _ => _.DependsOn(B).Executes(Record(nameof(C)));
    public Target D => _ => _.DependsOn(A).Executes(Record(nameof(D)));
    public Target E => _ => _.Executes(Record(nameof(E)));
}

public sealed class OrderingBuild : RecordingBuild
{
    public Target Clean => _ => _.Before(Restore).Executes(Record(nameof(Clean)));
    public Target Restore => _ => _.Executes(Record(nameof(Restore)));
    public Target Compile => _ => _.DependsOn(Restore).Executes(Record(nameof(Compile)));
    public Target Publish => _ => _.After(Test).DependsOn(Compile).Executes(Record(nameof(Publish)));
    public Target Test => _ => _.DependsOn(Compile).Executes(Record(nameof(Test)));
}

public sealed class CyclicBuild : NukeBuild
{
    public Target A => _ => _.DependsOn(C).Executes(() => { });
    public Target B => _ => _.DependsOn(A).Executes(() => { });
    public Target C => _ => _.After(B).Executes(() => { });
}

public sealed class OtherBuild : NukeBuild
{
    public Target Foreign => _ => _.Executes(() => { });
}

public sealed class UnknownDependencyBuild : NukeBuild
{
    static readonly OtherBuild s_other = new();
    public Target Local => _ => _.DependsOn(s_other.Foreign).Executes(() => { });
}

public sealed class ConditionBuild : RecordingBuild
{
    public bool Allow { get; set; }
    public bool AllowDynamic { get; set; }

    public Target Setup => _ => _.Executes(Record(nameof(Setup)));
    public Target Shared => _ => _.Executes(Record(nameof(Shared)));
    public Target Guarded => _ => _.DependsOn(Setup, Shared).OnlyWhenStatic(() => Allow).Executes(Record(nameof(Guarded)));
    public Target GuardedKeepsDependencies => _ => _.DependsOn(Setup).OnlyWhenStatic(() => Allow).WhenSkipped(DependencyBehavior.Execute).Executes(Record(nameof(GuardedKeepsDependencies)));
    public Target Other => _ => _.DependsOn(Shared).Executes(Record(nameof(Other)));
    public Target Dynamic => _ => _.DependsOn(Setup).OnlyWhenDynamic(() => AllowDynamic && !IsServerBuild).Executes(Record(nameof(Dynamic)));
    public Target FlipsDynamic => _ => _.Executes(() => AllowDynamic = true);
    public Target DynamicAfterFlip => _ => _.DependsOn(FlipsDynamic).OnlyWhenDynamic(() => AllowDynamic).Executes(Record(nameof(DynamicAfterFlip)));
}

public sealed class FailureBuild : RecordingBuild
{
    public Target Ok => _ => _.Executes(Record(nameof(Ok)));
    public Target Fails => _ => _.DependsOn(Ok).Executes(() => throw new PipelineException("the registry answered 401; check --dev-registry-user"));
    public Target FailsButProceeds => _ => _.ProceedAfterFailure().Executes(() => throw new InvalidOperationException("boom"));
    public Target AfterFailure => _ => _.DependsOn(Fails).Executes(Record(nameof(AfterFailure)));
    public Target Independent => _ => _.After(Fails, FailsButProceeds).Executes(Record(nameof(Independent)));
    public Target NeedsProceeding => _ => _.DependsOn(FailsButProceeds).Executes(Record(nameof(NeedsProceeding)));
    public Target Cleanup => _ => _.After(Fails, FailsButProceeds, Independent, NeedsProceeding, AfterFailure).AssuredAfterFailure().Executes(Record(nameof(Cleanup)));
    public Target All => _ => _.DependsOn(Fails, Independent, Cleanup, AfterFailure);
    public Target AllProceeding => _ => _.DependsOn(FailsButProceeds, Independent, NeedsProceeding, Cleanup);
}

public sealed class CancellationBuild : RecordingBuild
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public CancellationToken SeenToken { get; private set; }

    public Target First => _ => _.Executes(Record(nameof(First)));
    public Target Long => _ => _.DependsOn(First).Executes(async ct =>
    {
        SeenToken = CancellationToken;
        Started.SetResult();
        await Task.Delay(Timeout.Infinite, ct);
    });
    public Target Next => _ => _.DependsOn(Long).Executes(Record(nameof(Next)));
    public Target Cleanup => _ => _.After(Next).AssuredAfterFailure().Executes(async ct =>
    {
        Executed.Enqueue(nameof(Cleanup) + (ct.IsCancellationRequested ? " (cancelled)" : string.Empty));
        await Task.Yield();
    });
    public Target All => _ => _.DependsOn(Next, Cleanup);
}

public sealed class RequiresBuild : RecordingBuild
{
    [Parameter("Console URL.")] public readonly string? ConsoleUrl;
    [Parameter("Tags.")] public readonly string[] Tags = [];
    public bool Ready { get; set; }

    public Target Early => _ => _.Executes(Record(nameof(Early)));
    public Target AwaitScan => _ => _.DependsOn(Early).Requires(() => ConsoleUrl).Executes(Record(nameof(AwaitScan)));
    public Target NeedsTags => _ => _.Requires(() => Tags).Executes(Record(nameof(NeedsTags)));
    public Target NeedsReady => _ => _.Requires(() => Ready && !IsServerBuild).Executes(Record(nameof(NeedsReady)));
    public Target SkippedNeedsUrl => _ => _.OnlyWhenStatic(() => Ready).Requires(() => ConsoleUrl).Executes(Record(nameof(SkippedNeedsUrl)));
}

/// <summary>What a retry loop and a failed verdict log: the same warning with changing numbers, one error logged twice.</summary>
public sealed class RecapBuild : NukeBuild
{
    public Target Retries => _ => _.Executes(() =>
    {
        for (var attempt = 1; attempt <= 5; attempt++)
            Serilog.Log.Warning("Console {Outcome} to {Request}; retry {Attempt} of {Max} in {Delay:0.0} s", "failed (connection refused)", "POST /authenticate", attempt, 6, attempt * 1.5);
        Serilog.Log.Warning("Console {Outcome} to {Request}; retry {Attempt} of {Max} in {Delay:0.0} s", "failed (connection refused)", "GET /registry", 1, 6, 0.8);
        Serilog.Log.Warning("--console-url is plain http");
    });

    public Target Verdict => _ => _.DependsOn(Retries).Executes(() =>
    {
        // As the log report writes the verdict line, and then the target fails with it.
        Serilog.Log.Error("{Line:l}", "Scan verdict for app:1: FAILED, 1 critical (limit 0)");
        throw new PipelineException("Scan verdict for app:1: FAILED, 1 critical (limit 0)");
    });
}

/// <summary>Each target records which targets of the run are still to finish when it starts.</summary>
public sealed class ScheduleBuild : NukeBuild
{
    public static ConcurrentQueue<string> Seen { get; } = new();

    public Target First => _ => _.Executes(() => Seen.Enqueue($"First: {string.Join(",", ScheduledTargets)}"));
    public Target Second => _ => _.DependsOn(First).Executes(() => Seen.Enqueue($"Second: {string.Join(",", ScheduledTargets)}"));
    public Target Third => _ => _.DependsOn(Second).Executes(() => Seen.Enqueue($"Third: {string.Join(",", ScheduledTargets)}"));
}
