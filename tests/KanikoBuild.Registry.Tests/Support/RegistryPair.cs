using KanikoBuild.Testing;

namespace KanikoBuild.Registry.Tests;

/// <summary>Two real registries (dev and prod) for a test class; tests use repositories of their own.</summary>
public sealed class RegistryPair : IAsyncLifetime
{
    public KanikoBuild.Testing.Registry Dev { get; private set; } = null!;
    public KanikoBuild.Testing.Registry Prod { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var dev = KanikoBuild.Testing.Registry.StartAsync();
        var prod = KanikoBuild.Testing.Registry.StartAsync();
        Dev = await dev;
        Prod = await prod;
    }

    public async Task DisposeAsync()
    {
        await Dev.DisposeAsync();
        await Prod.DisposeAsync();
    }
}

public static class Clients
{
    /// <summary>Fast retries: tests fail over real sockets and should not wait seconds for it.</summary>
    public static RegistryClientOptions Options(RegistryCredential? credential = null) => new()
    {
        Credential = credential,
        UseDockerConfig = false,
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
    };

    public static RegistryClient For(string host, RegistryClientOptions? options = null) =>
        new(RegistrySpec.Parse(host), options ?? Options());

    public static string Repository(string prefix = "app") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}

public static class Skopeo
{
    /// <summary><c>skopeo inspect --raw</c>: the manifest bytes as the registry serves them to another client.</summary>
    public static async Task<string> RawManifestAsync(string reference)
    {
        var skopeo = Peer.RequireExecutable("skopeo", "skopeo");
        return await Shell.RunCheckedAsync(skopeo, ["inspect", "--raw", "--tls-verify=false", "--no-creds", $"docker://{reference}"]);
    }

    /// <summary><c>skopeo inspect --config --raw</c>: the image config's bytes as another client fetches them.</summary>
    public static async Task<string> RawConfigAsync(string reference)
    {
        var skopeo = Peer.RequireExecutable("skopeo", "skopeo");
        return await Shell.RunCheckedAsync(skopeo, ["inspect", "--config", "--raw", "--tls-verify=false", "--no-creds", $"docker://{reference}"]);
    }
}
