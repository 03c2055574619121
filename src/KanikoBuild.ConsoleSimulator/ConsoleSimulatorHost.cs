using System.Net;
using KanikoBuild.ConsoleSimulator.Endpoints;
using KanikoBuild.ConsoleSimulator.Hosting;
using KanikoBuild.ConsoleSimulator.Scanning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KanikoBuild.ConsoleSimulator;

/// <summary>
/// A running Console simulator on 127.0.0.1. Tests start it in-process; the program (<c>Program.cs</c>) starts
/// it from a scenario file. <see cref="ConsoleUrl"/> includes the scenario's SaaS path prefix.
/// </summary>
public sealed class ConsoleSimulatorHost : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly CancellationTokenSource _stopping;
    readonly HttpClient _registryHttp;

    ConsoleSimulatorHost(WebApplication app, CancellationTokenSource stopping, HttpClient registryHttp, SimulatorControl control, Uri address)
    {
        _app = app;
        _stopping = stopping;
        _registryHttp = registryHttp;
        Control = control;
        Address = address;
    }

    public SimulatorControl Control { get; }

    /// <summary>http://127.0.0.1:port/ (no prefix).</summary>
    public Uri Address { get; }

    /// <summary>What a user passes as <c>--console-url</c>: the address plus the SaaS prefix, if any.</summary>
    public Uri ConsoleUrl => new(Address, Control.Options.PathPrefix.Trim('/') is { Length: > 0 } prefix ? prefix : string.Empty);

    public static async Task<ConsoleSimulatorHost> StartAsync(SimulatorOptions options, CancellationToken ct = default)
    {
        var log = new SimulatorLog(options.Log);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ConsoleSimulatorHost).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        // A simulator has nothing to drain: on SIGTERM (or a test's dispose) in-flight requests get a moment, not
        // the host's default 30 s, which is what kept a stopped simulator alive for half a minute.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();

        var state = new SimulatorState(options);
        var control = new SimulatorControl(state);
        var stopping = new CancellationTokenSource();
        // Registry pulls are real I/O on loopback; they never wait on the scenario's (possibly fake) clock.
        var registryHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var scanner = new RegistryScanner(state, log, registryHttp, stopping.Token);
        var gate = new ApiGate(state, log);

        app.Use((context, next) => gate.InvokeAsync(context, _ => next()));
        // Routing after the gate, so endpoints match the rewritten path (prefix stripped, version normalised).
        app.UseRouting();
        ApiEndpoints.Map(app, state, scanner, gate);
        if (options.ControlEndpoints)
            ControlEndpoints.Map(app, state, control);

        await app.StartAsync(ct);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        log.Write($"listening on {address} (path prefix '{options.PathPrefix}', version {options.ConsoleVersion}); this is a simulator, not a Prisma Cloud Console");
        return new ConsoleSimulatorHost(app, stopping, registryHttp, control, address);
    }

    /// <summary>Runs until the host stops: SIGTERM, SIGINT or SIGQUIT (the host's console lifetime), or <paramref name="ct"/>.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _registryHttp.Dispose();
        _stopping.Dispose();
    }
}
