namespace KanikoBuild.Kaniko;

public sealed record DockerKanikoRunnerOptions
{
    /// <summary>The maintained fork's debug image; pin it by digest in CI (<c>…:vX.Y.Z-debug@sha256:…</c>).</summary>
    public const string DefaultImage = "ghcr.io/osscontainertools/kaniko:debug";

    /// <summary>Label put on every executor container, so leftovers can be found (<c>docker ps -a --filter label=…</c>).</summary>
    public const string RoleLabel = "org.kanikobuild.role";
    public const string RunLabel = "org.kanikobuild.run";

    /// <summary>Where the build context appears in the executor.</summary>
    public const string ContextPath = "/workspace";
    public const string OutputPath = "/kaniko/output";
    public const string SecretsPath = "/kaniko/secrets";
    public const string DockerConfigPath = "/kaniko/.docker/config.json";

    /// <summary><c>--kaniko-image</c>.</summary>
    public string Image { get; init; } = DefaultImage;

    /// <summary><c>--kaniko-network</c>: the container's network mode (e.g. <c>host</c>); null = Docker's default.</summary>
    public string? NetworkMode { get; init; }

    /// <summary>The engine address; null = <see cref="DockerEndpoint.Resolve()"/> (DOCKER_HOST, then the defaults).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>More labels for the executor container (tests use one to find their containers).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the per-run private folder is made; it must be visible to the engine (default: the temp folder).</summary>
    public string? WorkRoot { get; init; }

    /// <summary>How long the engine may take to answer the first ping.</summary>
    public TimeSpan EngineTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
