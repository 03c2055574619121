namespace KanikoBuild.Kaniko;

/// <summary>Runs one kaniko build. Both runners take the same request and report the same way.</summary>
public interface IKanikoRunner
{
    /// <summary>
    /// Runs the executor and returns what it produced. Throws <see cref="KanikoFailure"/> (a
    /// <see cref="PipelineException"/>) for a non-zero exit or an executor that could not start, and
    /// <see cref="OperationCanceledException"/> when cancelled (after stopping the executor and cleaning up).
    /// </summary>
    Task<KanikoBuildResult> RunAsync(KanikoBuildRequest request, CancellationToken ct);
}
