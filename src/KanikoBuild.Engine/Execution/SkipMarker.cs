namespace KanikoBuild.Engine.Execution;

/// <summary>
/// Nuke's skipping rules: <c>--skip A B</c> skips those targets unless they were invoked; a bare <c>--skip</c>
/// skips every target that was not invoked; a false static condition skips its target. A skipped target
/// also skips its dependencies that no other remaining target needs, unless it declares
/// <c>WhenSkipped(DependencyBehavior.Execute)</c>.
/// </summary>
internal static class SkipMarker
{
    /// <param name="targets">All targets of the build: <c>--skip</c> may name one that is not planned.</param>
    public static void ApplySkipParameter(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ExecutableTarget> plan, IReadOnlyList<string>? skip)
    {
        if (skip is null)
            return;
        IEnumerable<ExecutableTarget> skipped = skip.Count == 0
            ? plan.Where(t => !t.Invoked)
            : skip.Select(name => ExecutionPlanner.Find(targets, name)).Where(t => plan.Contains(t) && !t.Invoked);
        foreach (var target in skipped.ToList())
            Skip(plan, target, "Skipped", "via --skip");
    }

    public static void ApplyStaticConditions(IReadOnlyList<ExecutableTarget> plan)
    {
        foreach (var target in plan)
        {
            if (target.Status is not (ExecutionStatus.Scheduled or ExecutionStatus.Collective))
                continue;
            if (Conditions.FirstFalse(target, target.Definition.StaticConditions) is { } condition)
                Skip(plan, target, "OnlyWhen", condition);
        }
    }

    public static void Skip(IReadOnlyList<ExecutableTarget> plan, ExecutableTarget target, string key, string reason)
    {
        if (target.Status is not (ExecutionStatus.Scheduled or ExecutionStatus.Collective))
            return;
        target.Status = ExecutionStatus.Skipped;
        target.SkipReason = key == "Skipped" ? reason : $"{key}: {reason}";
        target.SummaryInformation[key] = reason;
        if (target.Definition.SkippedBehavior == DependencyBehavior.Execute)
            return;
        foreach (var dependency in target.ExecutionDependencies)
        {
            if (dependency.Invoked)
                continue;
            var stillNeeded = plan.Any(t => t.Status is ExecutionStatus.Scheduled or ExecutionStatus.Collective && t.ExecutionDependencies.Contains(dependency));
            if (!stillNeeded)
                Skip(plan, dependency, "Skipped", $"because of {target.Name}");
        }
    }
}
