using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KanikoBuild.Testing;

/// <summary>
/// A small HTTP server on 127.0.0.1 for test peers (a token service, an auth proxy, a fake Console), one request
/// handler, started and stopped with the test.
/// <para>
/// Kestrel, not <see cref="HttpListener"/>: it binds port 0 and reports the port the kernel chose, so no other
/// process can take the port between choosing and binding it (the gap a free-port helper leaves); and it stops by
/// closing its socket once. The managed <see cref="HttpListener"/> on Linux re-binds the port when it is closed
/// after <c>Stop()</c> (its endpoint manager recreates the endpoint to remove the prefix), which failed
/// <c>Dispose</c> with "Address already in use" whenever something else held the port by then.
/// </para>
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    readonly WebApplication _app;

    LoopbackHttpServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary><c>http://127.0.0.1:port</c>, without a trailing slash.</summary>
    public string Address => $"http://{Host}";

    public static async Task<LoopbackHttpServer> StartAsync(RequestDelegate handler, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            // Test peers proxy and serve image layers; Kestrel's 30 MB default would cut a large blob.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        // Nothing to drain: a test that is done with a peer wants it gone, not a 30 s grace period.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackHttpServer(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
