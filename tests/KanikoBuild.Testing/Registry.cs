using KanikoBuild.LocalPeers;

namespace KanikoBuild.Testing;

/// <summary>
/// A real distribution registry (Debian's <c>docker-registry</c>) on 127.0.0.1 and a random port, with its own
/// storage directory: the Sandbox's <see cref="LocalRegistry"/>, failing the test loudly when the peer is missing.
/// </summary>
public sealed class Registry : IAsyncDisposable
{
    readonly LocalRegistry _registry;

    Registry(LocalRegistry registry) => _registry = registry;

    public int Port => _registry.Port;

    /// <summary>host:port, as image references name it.</summary>
    public string Host => _registry.Host;

    public Uri BaseUri => _registry.BaseUri;

    public string StorageDirectory => _registry.StorageDirectory;

    /// <param name="extraConfig">YAML appended to the configuration (e.g. an <c>auth:</c> section).</param>
    public static async Task<Registry> StartAsync(string? extraConfig = null, CancellationToken ct = default)
    {
        Peer.RequireExecutable("docker-registry", "docker-registry");
        return new Registry(await LocalRegistry.StartAsync(extraConfig, ct));
    }

    /// <summary>Stops the process (simulates an outage); the storage directory stays.</summary>
    public void Kill() => _registry.Kill();

    public Task RestartAsync(CancellationToken ct = default) => _registry.RestartAsync(ct);

    public ValueTask DisposeAsync() => _registry.DisposeAsync();
}
