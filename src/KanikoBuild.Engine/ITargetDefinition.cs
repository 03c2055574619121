using System.Linq.Expressions;

namespace KanikoBuild.Engine;

/// <summary>The fluent target DSL, with Nuke's names and semantics.</summary>
public interface ITargetDefinition
{
    ITargetDefinition Description(string description);
    ITargetDefinition DependsOn(params Target[] targets);
    ITargetDefinition After(params Target[] targets);
    ITargetDefinition Before(params Target[] targets);
    /// <summary>Fails the build before anything runs when one of the parameters is null or empty.</summary>
    ITargetDefinition Requires(params Expression<Func<object?>>[] parameters);
    /// <summary>Fails the build before anything runs when one of the conditions is false.</summary>
    ITargetDefinition Requires(params Expression<Func<bool>>[] conditions);
    ITargetDefinition OnlyWhenStatic(params Expression<Func<bool>>[] conditions);
    ITargetDefinition OnlyWhenDynamic(params Expression<Func<bool>>[] conditions);
    ITargetDefinition WhenSkipped(DependencyBehavior behavior);
    ITargetDefinition ProceedAfterFailure();
    ITargetDefinition AssuredAfterFailure();
    ITargetDefinition Unlisted();
    ITargetDefinition Executes(Action action);
    ITargetDefinition Executes(Func<Task> action);
    ITargetDefinition Executes(Func<CancellationToken, Task> action);
}

public enum DependencyBehavior
{
    Skip,
    Execute,
}
