namespace KanikoBuild.Registry;

public enum UploadMode
{
    /// <summary>One streamed PUT per blob; chunks only when the registry refuses a large body (413).</summary>
    Auto,
    Monolithic,
    /// <summary>PATCH chunks of <see cref="RegistryClientOptions.ChunkSize"/>, for registries (or proxies) that cap request bodies.</summary>
    Chunked,
}

public sealed record RegistryClientOptions
{
    /// <summary>User and password (or token) for this registry; when null the Docker config is consulted.</summary>
    public RegistryCredential? Credential { get; init; }

    /// <summary>Whether to look up credentials in the Docker config when <see cref="Credential"/> is null.</summary>
    public bool UseDockerConfig { get; init; } = true;

    /// <summary>Docker config path; default <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>.</summary>
    public string? DockerConfigPath { get; init; }

    /// <summary>Registries (host[:port]) that may be reached over plain HTTP, or HTTPS without certificate checks. Loopback addresses always may.</summary>
    public IReadOnlyCollection<string> InsecureRegistries { get; init; } = [];

    public UploadMode UploadMode { get; init; } = UploadMode.Auto;

    public int ChunkSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Attempts after the first for requests that failed transiently (5xx, 429, connection resets).</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>First back-off delay; doubled each attempt, with jitter. A <c>Retry-After</c> header wins.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound on one manifest, ping or token request (blob transfers are bounded by progress, not time).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxConnectionsPerServer { get; init; } = 16;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public Serilog.ILogger? Logger { get; init; }
}
