using Serilog;

namespace KanikoBuild.Kaniko;

public enum KanikoRunnerKind
{
    /// <summary>Local when the executor exists (inside a kaniko image), Docker otherwise.</summary>
    Auto,
    Docker,
    Local,
}

/// <summary>Chooses and builds the runner from the build's parameters.</summary>
public static class KanikoRunnerFactory
{
    /// <summary>Parses <c>--kaniko-runner</c> (<c>docker</c>, <c>local</c>, <c>auto</c>; empty = auto).</summary>
    public static KanikoRunnerKind ParseKind(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => KanikoRunnerKind.Auto,
        "docker" => KanikoRunnerKind.Docker,
        "local" => KanikoRunnerKind.Local,
        _ => throw new PipelineException($"--kaniko-runner '{value}' is not known; use docker, local or auto."),
    };

    /// <summary>What <paramref name="kind"/> means here: Auto becomes Local when the executor exists, else Docker.</summary>
    public static KanikoRunnerKind Resolve(KanikoRunnerKind kind, string? executorPath = null) =>
        kind != KanikoRunnerKind.Auto ? kind
        : File.Exists(executorPath ?? LocalKanikoRunnerOptions.DefaultExecutor) ? KanikoRunnerKind.Local
        : KanikoRunnerKind.Docker;

    public static IKanikoRunner Create(KanikoRunnerKind kind, DockerKanikoRunnerOptions? docker = null, LocalKanikoRunnerOptions? local = null, ILogger? logger = null)
    {
        local ??= new LocalKanikoRunnerOptions();
        return Resolve(kind, local.ExecutorPath) switch
        {
            KanikoRunnerKind.Local => new LocalKanikoRunner(local, logger),
            _ => new DockerKanikoRunner(docker ?? new DockerKanikoRunnerOptions(), logger),
        };
    }

    /// <summary>From the build's parameters: --kaniko-runner, --kaniko-image, --kaniko-network, --kaniko-executor.</summary>
    public static IKanikoRunner Create(string? runner, string? image, string? network, string? executor, ILogger? logger = null) =>
        Create(ParseKind(runner),
            new DockerKanikoRunnerOptions { Image = string.IsNullOrWhiteSpace(image) ? DockerKanikoRunnerOptions.DefaultImage : image, NetworkMode = string.IsNullOrWhiteSpace(network) ? null : network },
            new LocalKanikoRunnerOptions { ExecutorPath = string.IsNullOrWhiteSpace(executor) ? LocalKanikoRunnerOptions.DefaultExecutor : executor },
            logger);
}
