using System.Text;
using KanikoBuild.Engine.Execution;

namespace KanikoBuild.Engine.Output;

/// <summary>
/// <c>--plan</c>: every target as a Mermaid graph, arrows pointing the way execution flows
/// (<c>A --> B</c>: B depends on A; <c>A -.-> B</c>: A is ordered before B), the planned targets highlighted.
/// </summary>
internal static class PlanText
{
    public static string Format(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ExecutableTarget> plan)
    {
        var text = new StringBuilder();
        text.AppendLine("graph LR");
        foreach (var target in targets)
            text.Append("    ").Append(target.Name).Append('[').Append(target.Name).AppendLine("]");
        foreach (var target in targets)
        {
            foreach (var dependency in target.ExecutionDependencies)
                text.Append("    ").Append(dependency.Name).Append(" --> ").AppendLine(target.Name);
            foreach (var predecessor in target.OrderDependencies)
                text.Append("    ").Append(predecessor.Name).Append(" -.-> ").AppendLine(target.Name);
        }
        text.AppendLine("    classDef planned fill:#d7f0dd,stroke:#2e7d32,stroke-width:2px");
        text.AppendLine("    classDef unlisted stroke-dasharray:4 4");
        if (plan.Count > 0)
            text.Append("    class ").Append(string.Join(",", plan.Select(t => t.Name))).AppendLine(" planned");
        var unlisted = targets.Where(t => !t.Listed).ToList();
        if (unlisted.Count > 0)
            text.Append("    class ").Append(string.Join(",", unlisted.Select(t => t.Name))).AppendLine(" unlisted");
        return text.ToString();
    }
}
