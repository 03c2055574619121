using System.Reflection;

namespace KanikoBuild.Engine.Execution;

/// <summary>Turns the <see cref="Target"/> properties of a build into <see cref="ExecutableTarget"/>s with their relations resolved.</summary>
internal static class TargetFactory
{
    public static IReadOnlyList<ExecutableTarget> Create(object build)
    {
        var properties = GetTargetProperties(build.GetType());
        var targets = new List<ExecutableTarget>(properties.Count);
        foreach (var property in properties)
        {
            var factory = (Target)property.GetValue(build)!;
            var definition = new TargetDefinition();
            factory(definition);
            targets.Add(new ExecutableTarget(property.Name, definition, factory, targets.Count));
        }

        foreach (var target in targets)
        {
            foreach (var dependency in target.Definition.Dependencies)
                AddOnce(target.ExecutionDependencies, Resolve(targets, target, dependency, "depends on"));
            foreach (var predecessor in target.Definition.AfterTargets)
                AddOnce(target.OrderDependencies, Resolve(targets, target, predecessor, "runs after"));
            foreach (var successor in target.Definition.BeforeTargets)
                AddOnce(Resolve(targets, target, successor, "runs before").OrderDependencies, target);
        }

        CycleCheck.ThrowIfCyclic(targets);
        return targets;
    }

    /// <summary>Target properties in declaration order, base classes first; hidden (overridden) ones once.</summary>
    public static IReadOnlyList<PropertyInfo> GetTargetProperties(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            chain.Insert(0, t);
        var byName = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var t in chain)
        {
            foreach (var property in t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (property.PropertyType != typeof(Target) || property.GetIndexParameters().Length > 0)
                    continue;
                if (!byName.ContainsKey(property.Name))
                    order.Add(property.Name);
                byName[property.Name] = property;
            }
        }
        return order.Select(n => byName[n]).ToList();
    }

    static ExecutableTarget Resolve(IReadOnlyList<ExecutableTarget> targets, ExecutableTarget owner, Target reference, string relation)
    {
        // Each read of a target property makes a new delegate over the same method and instance; delegate
        // equality compares exactly those two, which identifies the property.
        foreach (var candidate in targets)
        {
            if (candidate.Factory.Equals(reference))
                return candidate;
        }
        throw new PipelineException(
            $"Target '{owner.Name}' {relation} '{GuessName(reference)}', which is not a target of this build. " +
            "Refer to another Target property of the same build class.");
    }

    // Compiler-generated lambda names look like "<get_Compile>b__12_0".
    static string GuessName(Target reference)
    {
        var name = reference.Method.Name;
        var start = name.IndexOf("<get_", StringComparison.Ordinal);
        if (start >= 0)
        {
            var end = name.IndexOf('>', start);
            if (end > start)
                return name[(start + 5)..end] + " (inline)";
        }
        return name;
    }

    static void AddOnce(List<ExecutableTarget> list, ExecutableTarget target)
    {
        if (!list.Contains(target))
            list.Add(target);
    }
}
