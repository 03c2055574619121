using Serilog;

namespace KanikoBuild.Kaniko;

public enum KanikoRunnerKind
{
    /// <summary>Local when the executor exists (inside a kaniko image), Docker otherwise.</summary>
    Auto,
    Docker,
    Local,
}

/// <summary>Chooses and builds the runner (<see cref="KanikoOptions"/> holds the build's parameters for it).</summary>
public static class KanikoRunnerFactory
{
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
}
