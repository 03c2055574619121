namespace KanikoBuild.Kaniko;

/// <summary>How the kaniko executor runs, as the user gave it: through the Docker engine, or as a local process.</summary>
[ParameterGroup("kaniko")]
public sealed record KanikoOptions
{
    [Parameter("How kaniko runs: 'docker' (a container per build) or 'local' (/kaniko/executor as a process). Default: local when /kaniko/executor exists, else docker.", Name = "KanikoRunner")]
    public KanikoRunnerKind Runner { get; init; } = KanikoRunnerKind.Auto;

    [Parameter("Kaniko executor image for the Docker runner. Pin it by digest in CI (image@sha256:…).", Name = "KanikoImage")]
    public string Image { get; init; } = DockerKanikoRunnerOptions.DefaultImage;

    [Parameter("Network mode of the kaniko container (e.g. host). Default: Docker's default.", Name = "KanikoNetwork")]
    public string? Network { get; init; }

    [Parameter("Path of the kaniko executor for the local runner. Default: /kaniko/executor.", Name = "KanikoExecutor")]
    public string? Executor { get; init; }

    /// <summary>The runner these options choose: Auto becomes Local when the executor exists, else Docker.</summary>
    public KanikoRunnerKind ResolvedRunner => KanikoRunnerFactory.Resolve(Runner, ExecutorPath);

    public string ExecutorPath => string.IsNullOrWhiteSpace(Executor) ? LocalKanikoRunnerOptions.DefaultExecutor : Executor;

    public DockerKanikoRunnerOptions DockerRunner => new()
    {
        Image = string.IsNullOrWhiteSpace(Image) ? DockerKanikoRunnerOptions.DefaultImage : Image.Trim(),
        NetworkMode = string.IsNullOrWhiteSpace(Network) ? null : Network.Trim(),
    };

    public LocalKanikoRunnerOptions LocalRunner => new() { ExecutorPath = ExecutorPath };

    public IKanikoRunner CreateRunner(Serilog.ILogger? logger = null) => KanikoRunnerFactory.Create(Runner, DockerRunner, LocalRunner, logger);
}
