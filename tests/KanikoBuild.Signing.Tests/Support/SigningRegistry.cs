using KanikoBuild.Registry;

namespace KanikoBuild.Signing.Tests;

/// <summary>Two real docker-registry instances (dev and prod) and the keys, for one test class.</summary>
public sealed class SigningRegistry : IAsyncLifetime
{
    public KanikoBuild.Testing.Registry Dev { get; private set; } = null!;
    public KanikoBuild.Testing.Registry Prod { get; private set; } = null!;
    public KeyFiles Keys { get; } = new();

    public async Task InitializeAsync()
    {
        var dev = KanikoBuild.Testing.Registry.StartAsync();
        var prod = KanikoBuild.Testing.Registry.StartAsync();
        await Keys.InitializeAsync();
        Dev = await dev;
        Prod = await prod;
    }

    public async Task DisposeAsync()
    {
        await Dev.DisposeAsync();
        await Prod.DisposeAsync();
        await Keys.DisposeAsync();
    }

    public static RegistryClient Client(KanikoBuild.Testing.Registry registry) => new(RegistrySpec.Parse(registry.Host), new RegistryClientOptions
    {
        UseDockerConfig = false,
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
    });

    public static string NewRepository(string prefix = "team/app") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
