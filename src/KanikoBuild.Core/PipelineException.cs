namespace KanikoBuild;

/// <summary>
/// A failure the user can act on, explained in one sentence (what happened and what to check).
/// The engine prints its message without a stack trace and fails the target.
/// </summary>
public class PipelineException : Exception
{
    public PipelineException(string message) : base(message) { }
    public PipelineException(string message, Exception inner) : base(message, inner) { }
}
