using System.Collections.Concurrent;
using KanikoBuild.ConsoleSimulator;

namespace KanikoBuild.Prisma.Tests.Support;

/// <summary>One simulator on 127.0.0.1, a fake clock shared with the client, and every log line captured.</summary>
public sealed class ConsoleScenario : IAsyncDisposable
{
    public const string Admin = "admin";
    public const string AdminPassword = "Adm1n-Canary-Pa55w0rd-7f3a";
    public const string CiUser = "ci-bot";
    public const string CiPassword = "C1-Canary-Pa55w0rd-91be";
    public const string AuditorUser = "auditor";
    public const string AuditorPassword = "Aud1tor-Canary-Pa55w0rd-55c2";

    readonly ConcurrentQueue<string> _simulatorLines;

    ConsoleScenario(FakeClock clock, ConsoleSimulatorHost simulator, ConcurrentQueue<string> simulatorLines)
    {
        Clock = clock;
        Simulator = simulator;
        _simulatorLines = simulatorLines;
    }

    public FakeClock Clock { get; }
    public CapturedLog Log { get; } = new();
    public ConsoleSimulatorHost Simulator { get; }
    public SimulatorControl Control => Simulator.Control;
    public IReadOnlyList<string> SimulatorLines => _simulatorLines.ToArray();

    /// <summary>Everything a user would see: the pipeline's log and the simulator's.</summary>
    public string AllOutput => Log.Text + "\n" + string.Join('\n', _simulatorLines);

    public static async Task<ConsoleScenario> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var clock = new FakeClock();
        var lines = new ConcurrentQueue<string>();
        var options = new SimulatorOptions
        {
            Users =
            [
                new SimulatorUser(Admin, AdminPassword, Roles.Admin),
                new SimulatorUser(CiUser, CiPassword, Roles.Ci),
                new SimulatorUser(AuditorUser, AuditorPassword, Roles.Auditor),
            ],
            ScanDuration = TimeSpan.FromSeconds(20),
            TimeProvider = clock.Time,
            Log = lines.Enqueue,
        };
        configure?.Invoke(options);
        var simulator = await ConsoleSimulatorHost.StartAsync(options);
        var scenario = new ConsoleScenario(clock, simulator, lines);
        clock.Busy = () => simulator.Control.PullsInProgress > 0;
        // Warm Kestrel up on real time, so the first fake-clock request is not slow for JIT reasons.
        using var http = new HttpClient();
        using var _ = await http.GetAsync(new Uri(simulator.Address, "warm-up"));
        return scenario;
    }

    public ComputeClient Client(string user = Admin, string? password = null, Func<ComputeClientOptions, ComputeClientOptions>? tune = null, Uri? consoleUrl = null)
    {
        var options = new ComputeClientOptions
        {
            ConsoleUrl = consoleUrl ?? Simulator.ConsoleUrl,
            Username = user,
            Password = password ?? user switch { CiUser => CiPassword, AuditorUser => AuditorPassword, _ => AdminPassword },
        };
        return new ComputeClient(tune?.Invoke(options) ?? options, Clock.Time, Log.Logger, Clock.Transport);
    }

    public async ValueTask DisposeAsync() => await Simulator.DisposeAsync();
}

/// <summary>A real docker-registry shared by a test class.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public KanikoBuild.Testing.Registry Registry { get; private set; } = null!;

    public async Task InitializeAsync() => Registry = await KanikoBuild.Testing.Registry.StartAsync();

    public async Task DisposeAsync() => await Registry.DisposeAsync();
}
