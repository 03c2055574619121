using KanikoBuild.Engine.Execution;

namespace KanikoBuild.Engine.Tests;

public sealed class ExecutorTests
{
    [Fact]
    public async Task Runs_the_plan_in_order()
    {
        var build = new ChainBuild();
        var plan = await Run.PlanAndExecute(build, ["C", "D"]);
        Assert.Equal(["A", "B", "C", "D"], build.Executed);
        Assert.All(plan, t => Assert.Equal(ExecutionStatus.Succeeded, t.Status));
    }

    [Fact]
    public async Task Skip_names_targets_and_cascades_to_dependencies_nobody_else_needs()
    {
        var build = new ChainBuild();
        var plan = await Run.PlanAndExecute(build, ["C"], skip: ["B"]);
        Assert.Equal(["C"], build.Executed);
        Assert.Equal(ExecutionStatus.Skipped, plan.StatusOf("B"));
        Assert.Equal("via --skip", plan.Get("B").SkipReason);
        Assert.Equal(ExecutionStatus.Skipped, plan.StatusOf("A"));
        Assert.Equal("because of B", plan.Get("A").SkipReason);
    }

    [Fact]
    public async Task Skip_keeps_a_dependency_another_scheduled_target_needs()
    {
        var build = new ChainBuild();
        var plan = await Run.PlanAndExecute(build, ["C", "D"], skip: ["B"]);
        Assert.Equal(["A", "C", "D"], build.Executed);
        Assert.Equal(ExecutionStatus.Succeeded, plan.StatusOf("A"));
    }

    [Fact]
    public async Task Skip_never_skips_an_invoked_target()
    {
        var build = new ChainBuild();
        var plan = await Run.PlanAndExecute(build, ["C"], skip: ["C", "A"]);
        Assert.Equal(["B", "C"], build.Executed);
        Assert.Equal(ExecutionStatus.Skipped, plan.StatusOf("A"));
    }

    [Fact]
    public async Task Bare_skip_runs_only_the_invoked_targets()
    {
        var build = new ChainBuild();
        var plan = await Run.PlanAndExecute(build, ["C"], skip: []);
        Assert.Equal(["C"], build.Executed);
        Assert.Equal(ExecutionStatus.Skipped, plan.StatusOf("A"));
        Assert.Equal(ExecutionStatus.Skipped, plan.StatusOf("B"));
    }

    [Fact]
    public async Task Skip_of_an_unknown_target_is_an_error()
    {
        await Assert.ThrowsAsync<UnknownTargetException>(() => Run.PlanAndExecute(new ChainBuild(), ["C"], skip: ["Nope"]));
    }

    [Fact]
    public async Task False_static_condition_skips_the_target_and_its_exclusive_dependencies()
    {
        var build = new ConditionBuild { Allow = false };
        var plan = await Run.PlanAndExecute(build, ["Guarded", "Other"]);
        Assert.Equal(["Shared", "Other"], build.Executed);
        Assert.Equal("OnlyWhen: Allow", plan.Get("Guarded").SkipReason);
        Assert.Equal("Allow", plan.Get("Guarded").SummaryInformation["OnlyWhen"]);
        Assert.Equal(ExecutionStatus.Skipped, plan.StatusOf("Setup"));
        Assert.Equal(ExecutionStatus.Succeeded, plan.StatusOf("Shared"));
    }

    [Fact]
    public async Task WhenSkipped_Execute_keeps_the_dependencies_running()
    {
        var build = new ConditionBuild { Allow = false };
        var plan = await Run.PlanAndExecute(build, ["GuardedKeepsDependencies"]);
        Assert.Equal(["Setup"], build.Executed);
        Assert.Equal(ExecutionStatus.Skipped, plan.StatusOf("GuardedKeepsDependencies"));
    }

    [Fact]
    public async Task True_static_condition_runs()
    {
        var build = new ConditionBuild { Allow = true };
        await Run.PlanAndExecute(build, ["Guarded"]);
        Assert.Equal(["Setup", "Shared", "Guarded"], build.Executed);
    }

    [Fact]
    public async Task Dynamic_condition_is_evaluated_right_before_the_target()
    {
        var build = new ConditionBuild();
        var plan = await Run.PlanAndExecute(build, ["Dynamic", "DynamicAfterFlip"]);
        Assert.Equal(["Setup", "DynamicAfterFlip"], build.Executed);
        Assert.Equal("OnlyWhen: AllowDynamic && !IsServerBuild", plan.Get("Dynamic").SkipReason);
        Assert.Equal(ExecutionStatus.Succeeded, plan.StatusOf("DynamicAfterFlip"));
    }

    [Fact]
    public async Task Failure_stops_the_build_and_assured_targets_still_run()
    {
        var build = new FailureBuild();
        using var log = new CapturedLog();
        var plan = await Run.PlanAndExecute(build, ["All"], log: log);
        Assert.Equal(["Ok", "Cleanup"], build.Executed);
        Assert.Equal(ExecutionStatus.Failed, plan.StatusOf("Fails"));
        Assert.Equal(ExecutionStatus.NotRun, plan.StatusOf("Independent"));
        Assert.Equal(ExecutionStatus.NotRun, plan.StatusOf("AfterFailure"));
        Assert.Equal(ExecutionStatus.Succeeded, plan.StatusOf("Cleanup"));
        Assert.Equal("the registry answered 401; check --dev-registry-user", plan.Get("Fails").SummaryInformation["Error"]);
        // A PipelineException is the user's to act on: one line, no stack trace.
        Assert.Contains("[ERR] the registry answered 401; check --dev-registry-user", log.Text);
        Assert.DoesNotContain("   at ", log.Text);
    }

    [Fact]
    public async Task ProceedAfterFailure_continues_with_independent_targets_only()
    {
        var build = new FailureBuild();
        using var log = new CapturedLog();
        var plan = await Run.PlanAndExecute(build, ["AllProceeding"], log: log);
        Assert.Equal(["Independent", "Cleanup"], build.Executed);
        Assert.Equal(ExecutionStatus.Failed, plan.StatusOf("FailsButProceeds"));
        Assert.Equal(ExecutionStatus.NotRun, plan.StatusOf("NeedsProceeding"));
        Assert.Equal("'FailsButProceeds' failed", plan.Get("NeedsProceeding").SummaryInformation["NotRun"]);
        Assert.Equal("boom", plan.Get("FailsButProceeds").SummaryInformation["InvalidOperationException"]);
        // Anything but a PipelineException is a bug: message and stack.
        Assert.Contains("Target FailsButProceeds has thrown an exception: boom", log.Text);
        Assert.Contains("System.InvalidOperationException: boom", log.Text);
        Assert.Contains("   at ", log.Text);
    }

    [Fact]
    public async Task Cancellation_aborts_the_running_target_leaves_the_rest_unrun_and_runs_assured_ones()
    {
        var build = new CancellationBuild();
        using var cts = new CancellationTokenSource();
        var execution = Run.PlanAndExecute(build, ["All"], ct: cts.Token);
        await build.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(build.SeenToken.CanBeCanceled, "NukeBuild.CancellationToken is the running target's token");
        cts.Cancel();
        var plan = await execution.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExecutionStatus.Succeeded, plan.StatusOf("First"));
        Assert.Equal(ExecutionStatus.Aborted, plan.StatusOf("Long"));
        Assert.Equal(ExecutionStatus.NotRun, plan.StatusOf("Next"));
        Assert.Equal(ExecutionStatus.Succeeded, plan.StatusOf("Cleanup"));
        Assert.Equal(["First", "Cleanup"], build.Executed);
    }

    [Fact]
    public async Task Requires_fails_before_anything_runs_naming_target_and_member()
    {
        var build = new RequiresBuild();
        var e = await Assert.ThrowsAsync<PipelineException>(() => Run.PlanAndExecute(build, ["AwaitScan", "NeedsTags", "NeedsReady"]));
        Assert.Empty(build.Executed);
        Assert.Contains("Target 'AwaitScan' requires member 'ConsoleUrl'", e.Message);
        Assert.Contains("Target 'NeedsTags' requires member 'Tags'", e.Message);
        Assert.Contains("Target 'NeedsReady' requires 'Ready && !IsServerBuild'", e.Message);
    }

    [Fact]
    public async Task Requires_of_a_skipped_target_is_not_checked()
    {
        var build = new RequiresBuild();
        var plan = await Run.PlanAndExecute(build, ["SkippedNeedsUrl", "Early"]);
        Assert.Equal(["Early"], build.Executed);
        Assert.Equal(ExecutionStatus.Skipped, plan.StatusOf("SkippedNeedsUrl"));
    }

    [Fact]
    public async Task ReportSummary_adds_pairs_to_the_running_target()
    {
        var build = new SummaryBuild();
        var plan = await Run.PlanAndExecute(build, ["Reports"]);
        Assert.Equal("sha256:abc", plan.Get("Reports").SummaryInformation["Digest"]);
    }

    public sealed class SummaryBuild : NukeBuild
    {
        public Target Reports => _ => _.Executes(() => ReportSummary("Digest", "sha256:abc"));
    }
}
