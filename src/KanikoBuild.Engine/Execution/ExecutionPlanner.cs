namespace KanikoBuild.Engine.Execution;

/// <summary>
/// Computes the ordered list of targets to run: the invoked targets, their execution dependencies
/// (transitively), ordered so that every dependency and every After/Before relation between planned
/// targets holds. Ties keep the natural order: dependencies first, then invocation order.
/// </summary>
internal static class ExecutionPlanner
{
    public static IReadOnlyList<ExecutableTarget> Plan(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<string> invokedNames)
    {
        var invoked = invokedNames.Select(name => Find(targets, name)).Distinct().ToList();
        foreach (var target in targets)
        {
            target.Invoked = invoked.Contains(target);
            target.Status = ExecutionStatus.None;
            target.SkipReason = null;
        }

        // Depth-first, dependencies before dependents: the preferred order when constraints leave a choice.
        var natural = new List<ExecutableTarget>();
        void Visit(ExecutableTarget target)
        {
            if (natural.Contains(target))
                return;
            foreach (var dependency in target.ExecutionDependencies)
                Visit(dependency);
            natural.Add(target);
        }
        foreach (var target in invoked)
            Visit(target);

        // Kahn's algorithm over the planned targets, picking the earliest ready target in the natural order.
        var remaining = natural.ToList();
        var plan = new List<ExecutableTarget>(natural.Count);
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(t => Predecessors(t).All(p => !remaining.Contains(p)))
                ?? throw new PipelineException($"Circular dependencies between targets: {string.Join(", ", remaining.Select(t => t.Name))}.");
            remaining.Remove(next);
            plan.Add(next);
        }
        foreach (var target in plan)
            target.Status = target.IsCollective ? ExecutionStatus.Collective : ExecutionStatus.Scheduled;
        return plan;
    }

    static IEnumerable<ExecutableTarget> Predecessors(ExecutableTarget target) =>
        target.ExecutionDependencies.Concat(target.OrderDependencies);

    /// <summary>Finds a target by name, ignoring case and dashes (<c>push-dev</c> is <c>PushDev</c>), as Nuke does.</summary>
    public static ExecutableTarget Find(IReadOnlyList<ExecutableTarget> targets, string name) =>
        TryFind(targets, name) ?? throw new UnknownTargetException(name, targets);

    public static ExecutableTarget? TryFind(IReadOnlyList<ExecutableTarget> targets, string name)
    {
        var key = NameCase.Normalize(name);
        return targets.FirstOrDefault(t => NameCase.Normalize(t.Name) == key);
    }
}

/// <summary>A target name on the command line that the build does not have.</summary>
internal sealed class UnknownTargetException(string name, IReadOnlyList<ExecutableTarget> targets)
    : PipelineException(
        $"Target with name '{name}' does not exist. Available targets are:{Environment.NewLine}" +
        string.Join(Environment.NewLine, targets.Where(t => t.Listed).Select(t => t.Name).Order(StringComparer.OrdinalIgnoreCase).Select(n => $"  - {n}")));
