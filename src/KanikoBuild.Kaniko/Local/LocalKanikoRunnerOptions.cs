namespace KanikoBuild.Kaniko;

public sealed record LocalKanikoRunnerOptions
{
    public const string DefaultExecutor = "/kaniko/executor";

    /// <summary><c>--kaniko-executor</c>.</summary>
    public string ExecutorPath { get; init; } = DefaultExecutor;

    /// <summary>
    /// The folder that stands for the executor's <c>/kaniko</c>: mounts, credentials and outputs go below it.
    /// Always <c>/kaniko</c> in a kaniko image; tests point it at a temporary folder.
    /// </summary>
    public string KanikoRoot { get; init; } = KanikoRequestValidator.KanikoDirectory;
}
