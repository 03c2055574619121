using System.Diagnostics;
using System.Text.Json;
using Serilog;

namespace KanikoBuild.LocalPeers;

/// <summary>
/// The Prisma Cloud Compute Console simulator (<c>src/KanikoBuild.ConsoleSimulator</c>) as a separate process, the
/// way a real Console is a separate server. Every line it prints is labelled <c>[Console SIMULATOR]</c>.
/// </summary>
public sealed class ConsoleSimulatorProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly string _scenario;
    readonly TimeProvider _time;

    ConsoleSimulatorProcess(Process process, string scenario, Uri consoleUrl, TimeProvider time)
    {
        _process = process;
        _scenario = scenario;
        _time = time;
        ConsoleUrl = consoleUrl;
    }

    public Uri ConsoleUrl { get; }

    internal Process Process => _process;

    public static string AssemblyPath(string rootDirectory) =>
        Path.Combine(rootDirectory, "src", "KanikoBuild.ConsoleSimulator", "bin", "Debug", "net10.0", "KanikoBuild.ConsoleSimulator.dll");

    public static async Task<ConsoleSimulatorProcess> StartAsync(string rootDirectory, string user, string password, string feedPath, string twistcli, CancellationToken ct, TimeProvider? time = null)
    {
        var assembly = AssemblyPath(rootDirectory);
        if (!File.Exists(assembly))
            throw new PipelineException($"The Console simulator is not built ({assembly}); run ./build.sh once more (it compiles it with the build).");
        var port = LoopbackPort.Next();
        var scenario = Path.Combine(Directory.CreateTempSubdirectory("kanikobuild-simulator-").FullName, "scenario.json");
        // The scenario holds the sandbox's generated password: owner-only, and removed with the simulator.
        await File.WriteAllTextAsync(scenario, JsonSerializer.Serialize(new
        {
            users = new[] { new { username = user, password, role = "admin" } },
            feedPath,
            twistcliFiles = new Dictionary<string, string> { ["*"] = twistcli },
            scanDuration = "00:00:02",
        }), ct).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(scenario, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { assembly, "--scenario", scenario, "--urls", $"http://127.0.0.1:{port}" })
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new PipelineException("The Console simulator did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Log.Debug("{Line}", line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Log.Warning("{Line}", line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var simulator = new ConsoleSimulatorProcess(process, scenario, new Uri($"http://127.0.0.1:{port}"), time ?? TimeProvider.System);
        try
        {
            await simulator.WaitUntilReadyAsync(ct).ConfigureAwait(false);
            return simulator;
        }
        catch
        {
            await simulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    Task WaitUntilReadyAsync(CancellationToken ct) =>
        Readiness.WaitAsync(new Uri(ConsoleUrl, "api/v1/version"), _process, "The Console simulator", TimeSpan.FromSeconds(60), ct);

    /// <summary>Stops the simulator as a service manager would (SIGTERM, then a kill after a grace period); its exit code.</summary>
    internal async Task<int> StopAsync()
    {
        await GracefulStop.StopAsync(_process, _time).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(_scenario)!, recursive: true); } catch (IOException) { }
    }

}
