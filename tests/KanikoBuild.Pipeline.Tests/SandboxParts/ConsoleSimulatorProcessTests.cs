using KanikoBuild.LocalPeers;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.SandboxParts;

/// <summary>The Console simulator as the Sandbox runs it, a process of its own: it stops when asked, as a server should.</summary>
public sealed class ConsoleSimulatorProcessTests
{
    // A bound on the wait, not a speed assertion: a simulator that ignores SIGTERM never exits on its own.
    static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    static Task<ConsoleSimulatorProcess> StartAsync() => ConsoleSimulatorProcess.StartAsync(RepositoryRoot.Path, "sandbox", "simulator-test-password",
        RepositoryRoot.Combine("samples", "feed-entries.json"), RepositoryRoot.Combine("samples", "README.md"), CancellationToken.None);

    [Fact]
    public async Task SIGTERM_stops_the_simulator_cleanly()
    {
        await using var simulator = await StartAsync();
        var process = simulator.Process;

        await Shell.RunCheckedAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await process.WaitForExitAsync().WaitAsync(s_bound);

        // 0: it handled the signal and shut down; 143 would be the default action killing it mid-request.
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task The_sandbox_stops_it_with_SIGTERM_not_a_kill()
    {
        await using var simulator = await StartAsync();
        Assert.Equal(0, await simulator.StopAsync().WaitAsync(s_bound));
    }
}
