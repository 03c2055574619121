using System.Diagnostics;

namespace KanikoBuild.Engine.Execution;

/// <summary>A target of the build with its resolved relations and its run-time state.</summary>
[DebuggerDisplay("{Name} ({Status})")]
public sealed class ExecutableTarget
{
    internal ExecutableTarget(string name, TargetDefinition definition, Target factory, int declarationIndex)
    {
        Name = name;
        Definition = definition;
        Factory = factory;
        DeclarationIndex = declarationIndex;
    }

    public string Name { get; }
    internal TargetDefinition Definition { get; }
    internal Target Factory { get; }
    internal int DeclarationIndex { get; }

    public string? Description => Definition.DescriptionText;
    public bool Listed => !Definition.IsUnlisted;
    public bool IsCollective => Definition.Actions.Count == 0;

    /// <summary>Execution dependencies (<c>DependsOn</c>): pulled into the plan and run first.</summary>
    public List<ExecutableTarget> ExecutionDependencies { get; } = [];

    /// <summary>Ordering only (<c>After</c>, and the inverse of another target's <c>Before</c>): run first when both are scheduled.</summary>
    public List<ExecutableTarget> OrderDependencies { get; } = [];

    /// <summary>Named on the command line (or the default target), as opposed to pulled in as a dependency.</summary>
    public bool Invoked { get; internal set; }

    public ExecutionStatus Status { get; internal set; }
    public string? SkipReason { get; internal set; }
    public Exception? Failure { get; internal set; }
    public TimeSpan Duration { get; internal set; }

    /// <summary>Key-value pairs shown after the target's line in the summary table.</summary>
    public Dictionary<string, string> SummaryInformation { get; } = new(StringComparer.Ordinal);

    public override string ToString() => Name;
}
