using System.Linq.Expressions;

namespace KanikoBuild.Engine;

internal sealed class TargetDefinition : ITargetDefinition
{
    public string? DescriptionText { get; private set; }
    public List<Target> Dependencies { get; } = [];
    public List<Target> AfterTargets { get; } = [];
    public List<Target> BeforeTargets { get; } = [];
    public List<Expression<Func<object?>>> RequiredParameters { get; } = [];
    public List<Expression<Func<bool>>> Requirements { get; } = [];
    public List<Expression<Func<bool>>> StaticConditions { get; } = [];
    public List<Expression<Func<bool>>> DynamicConditions { get; } = [];
    public DependencyBehavior SkippedBehavior { get; private set; } = DependencyBehavior.Skip;
    public bool ProceedsAfterFailure { get; private set; }
    public bool IsAssuredAfterFailure { get; private set; }
    public bool IsUnlisted { get; private set; }
    public List<Func<CancellationToken, Task>> Actions { get; } = [];

    public ITargetDefinition Description(string description) { DescriptionText = description; return this; }
    public ITargetDefinition DependsOn(params Target[] targets) { Dependencies.AddRange(targets); return this; }
    public ITargetDefinition After(params Target[] targets) { AfterTargets.AddRange(targets); return this; }
    public ITargetDefinition Before(params Target[] targets) { BeforeTargets.AddRange(targets); return this; }
    public ITargetDefinition Requires(params Expression<Func<object?>>[] parameters) { RequiredParameters.AddRange(parameters); return this; }
    public ITargetDefinition Requires(params Expression<Func<bool>>[] conditions) { Requirements.AddRange(conditions); return this; }
    public ITargetDefinition OnlyWhenStatic(params Expression<Func<bool>>[] conditions) { StaticConditions.AddRange(conditions); return this; }
    public ITargetDefinition OnlyWhenDynamic(params Expression<Func<bool>>[] conditions) { DynamicConditions.AddRange(conditions); return this; }
    public ITargetDefinition WhenSkipped(DependencyBehavior behavior) { SkippedBehavior = behavior; return this; }
    public ITargetDefinition ProceedAfterFailure() { ProceedsAfterFailure = true; return this; }
    public ITargetDefinition AssuredAfterFailure() { IsAssuredAfterFailure = true; return this; }
    public ITargetDefinition Unlisted() { IsUnlisted = true; return this; }
    public ITargetDefinition Executes(Action action) { Actions.Add(_ => { action(); return Task.CompletedTask; }); return this; }
    public ITargetDefinition Executes(Func<Task> action) { Actions.Add(_ => action()); return this; }
    public ITargetDefinition Executes(Func<CancellationToken, Task> action) { Actions.Add(action); return this; }
}
