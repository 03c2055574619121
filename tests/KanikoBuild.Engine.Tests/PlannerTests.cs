using KanikoBuild.Engine.Execution;

namespace KanikoBuild.Engine.Tests;

public sealed class PlannerTests
{
    static IReadOnlyList<string> Plan(NukeBuild build, params string[] invoked) =>
        ExecutionPlanner.Plan(TargetFactory.Create(build), invoked).Select(t => t.Name).ToList();

    [Fact]
    public void Dependencies_are_pulled_in_and_run_first()
    {
        Assert.Equal(["A", "B", "C"], Plan(new ChainBuild(), "C"));
    }

    [Fact]
    public void Shared_dependency_runs_once_and_invocation_order_breaks_ties()
    {
        Assert.Equal(["A", "D", "B", "C"], Plan(new ChainBuild(), "D", "C"));
        Assert.Equal(["E", "A", "B"], Plan(new ChainBuild(), "E", "B"));
    }

    [Fact]
    public void After_and_Before_order_only_what_is_planned()
    {
        Assert.Equal(["Restore", "Compile", "Publish"], Plan(new OrderingBuild(), "Publish"));
        Assert.Equal(["Restore", "Compile", "Test", "Publish"], Plan(new OrderingBuild(), "Publish", "Test"));
        Assert.Equal(["Clean", "Restore", "Compile"], Plan(new OrderingBuild(), "Compile", "Clean"));
    }

    [Fact]
    public void Target_names_ignore_case_and_dashes()
    {
        Assert.Equal(["Restore", "Compile"], Plan(new OrderingBuild(), "com-PILE"));
    }

    [Fact]
    public void Unknown_target_lists_the_available_ones()
    {
        var e = Assert.Throws<UnknownTargetException>(() => Plan(new ChainBuild(), "Nope"));
        Assert.StartsWith("Target with name 'Nope' does not exist. Available targets are:", e.Message);
        Assert.Contains("  - A", e.Message);
        Assert.Contains("  - E", e.Message);
    }

    [Fact]
    public void Cycle_is_an_error_naming_the_targets()
    {
        var e = Assert.Throws<PipelineException>(() => TargetFactory.Create(new CyclicBuild()));
        Assert.StartsWith("Circular dependencies between targets:", e.Message);
        foreach (var name in new[] { "A", "B", "C" })
            Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Dependency_on_a_target_of_another_build_is_an_error_naming_both()
    {
        var e = Assert.Throws<PipelineException>(() => TargetFactory.Create(new UnknownDependencyBuild()));
        Assert.Contains("Target 'Local' depends on 'Foreign", e.Message);
        Assert.Contains("not a target of this build", e.Message);
    }

    [Fact]
    public void Collective_targets_are_marked_as_such()
    {
        var plan = ExecutionPlanner.Plan(TargetFactory.Create(new FailureBuild()), ["All"]);
        Assert.Equal(ExecutionStatus.Collective, plan.StatusOf("All"));
        Assert.Equal(ExecutionStatus.Scheduled, plan.StatusOf("Ok"));
    }

    [Fact]
    public void Targets_keep_declaration_order_and_read_their_relations()
    {
        var targets = TargetFactory.Create(new OrderingBuild());
        Assert.Equal(["Clean", "Restore", "Compile", "Publish", "Test"], targets.Select(t => t.Name));
        var restore = targets.Single(t => t.Name == "Restore");
        Assert.Contains(targets.Single(t => t.Name == "Clean"), restore.OrderDependencies);
    }
}
