using Docker.DotNet.Models;
using KanikoBuild.Testing;

namespace KanikoBuild.Kaniko.Tests.Runners;

/// <summary>
/// Failures classified from what the working kaniko stand-in prints, through the Docker runner and the real
/// engine: a registry nobody listens on, and a real registry on 127.0.0.1 that a container without host
/// networking cannot see. The stand-in words its errors as kaniko does (standins/kaniko/registry.go).
/// </summary>
public sealed class StandInFailureTests : IDisposable
{
    const string TestLabel = "org.kanikobuild.test";
    readonly string _testId = Guid.NewGuid().ToString("N");
    readonly TempDirectory _context = new("kanikobuild-failctx-");
    readonly TempDirectory _work = new("kanikobuild-failwork-");
    readonly LogCapture _log = new();

    public StandInFailureTests() => _context.Write("Dockerfile", "FROM scratch\nCOPY Dockerfile /\n");

    public void Dispose()
    {
        _context.Dispose();
        _work.Dispose();
    }

    DockerKanikoRunner Runner(string image, string? network) => new(new DockerKanikoRunnerOptions
    {
        Image = image,
        NetworkMode = network,
        WorkRoot = _work.Path,
        Labels = new Dictionary<string, string> { [TestLabel] = _testId },
    }, _log.Logger);

    KanikoBuildRequest Request(string destination) => new()
    {
        Context = KanikoContext.Directory(_context.Path),
        Destinations = [destination],
        DigestFile = _work.Combine("digest"),
    };

    async Task AssertNoContainerLeftAsync()
    {
        using var client = DockerEngine.CreateClient();
        var left = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TestLabel}={_testId}"] = true } },
        });
        Assert.Empty(left);
    }

    [Fact]
    public async Task A_registry_nobody_listens_on_is_unreachable_not_a_credentials_problem()
    {
        var image = await KanikoStandInImage.EnsureAsync();
        var registry = $"127.0.0.1:{FreePort.Next()}";

        var failure = await Assert.ThrowsAsync<KanikoFailure>(() => Runner(image, "host").RunAsync(Request($"{registry}/dev/app:1"), CancellationToken.None));

        Assert.Equal(KanikoFailureKind.RegistryUnreachable, failure.Kind);
        Assert.Equal(registry, failure.Registry);
        Assert.Equal(1, failure.ExitCode);
        Assert.Contains($"could not connect to the registry {registry} while checking that it may push", failure.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("refused access", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pass --kaniko-network host", failure.Message, StringComparison.Ordinal);
        await AssertNoContainerLeftAsync();
    }

    [Fact]
    public async Task A_registry_on_this_machine_needs_kaniko_network_host_and_the_failure_says_so()
    {
        var image = await KanikoStandInImage.EnsureAsync();
        await using var registry = await Testing.Registry.StartAsync();
        var destination = $"{registry.Host}/dev/app:1";

        // The engine here has no bridge: without host networking the container's 127.0.0.1 is its own.
        var failure = await Assert.ThrowsAsync<KanikoFailure>(() => Runner(image, network: null).RunAsync(Request(destination), CancellationToken.None));
        // The same build with host networking pushes: the registry is real and reachable from this machine.
        var pushed = await Runner(image, "host").RunAsync(Request(destination), CancellationToken.None);

        Assert.Equal(KanikoFailureKind.RegistryUnreachable, failure.Kind);
        Assert.Equal(registry.Host, failure.Registry);
        Assert.Contains("pass --kaniko-network host", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Docker's default network", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(pushed.Digest);
        await AssertNoContainerLeftAsync();
    }
}
