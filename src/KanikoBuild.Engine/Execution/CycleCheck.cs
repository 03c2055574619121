namespace KanikoBuild.Engine.Execution;

/// <summary>Finds a cycle among all relations (DependsOn, After, Before) of all targets, planned or not.</summary>
internal static class CycleCheck
{
    public static void ThrowIfCyclic(IReadOnlyList<ExecutableTarget> targets)
    {
        var state = new Dictionary<ExecutableTarget, int>(); // 1 = on the stack, 2 = done
        var stack = new List<ExecutableTarget>();
        foreach (var target in targets)
        {
            if (Visit(target, state, stack) is { } cycle)
                throw new PipelineException($"Circular dependencies between targets: {string.Join(" -> ", cycle.Select(t => t.Name))}. Remove one of the DependsOn/After/Before relations.");
        }
    }

    static List<ExecutableTarget>? Visit(ExecutableTarget target, Dictionary<ExecutableTarget, int> state, List<ExecutableTarget> stack)
    {
        if (state.TryGetValue(target, out var s))
        {
            if (s == 2)
                return null;
            var start = stack.IndexOf(target);
            return [.. stack.Skip(start), target];
        }
        state[target] = 1;
        stack.Add(target);
        foreach (var predecessor in target.ExecutionDependencies.Concat(target.OrderDependencies))
        {
            if (Visit(predecessor, state, stack) is { } cycle)
                return cycle;
        }
        stack.RemoveAt(stack.Count - 1);
        state[target] = 2;
        return null;
    }
}
