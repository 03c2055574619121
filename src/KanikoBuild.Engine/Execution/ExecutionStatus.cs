namespace KanikoBuild.Engine.Execution;

/// <summary>A target's state, with Nuke's names.</summary>
public enum ExecutionStatus
{
    None,
    Scheduled,
    Running,
    Succeeded,
    Failed,
    Skipped,
    NotRun,
    Aborted,
    /// <summary>Scheduled, but has no actions: it only groups its dependencies.</summary>
    Collective,
}
