using System.Net;
using System.Net.Sockets;

namespace KanikoBuild.Registry.Tests;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a registry that misbehaves on demand: cuts connections once a budget of
/// request bytes is spent, flips one byte of a response, or answers the first connections with an HTTP error.
/// It also counts the request bytes that pass, which is how tests see that a mount uploaded nothing.
/// <para>
/// Raw sockets, not <see cref="KanikoBuild.Testing.LoopbackHttpServer"/>: its faults are below HTTP. It resets a
/// connection in the middle of a blob upload (an HTTP server would finish or fail the request, never cut its bytes),
/// flips a byte inside a response body after the headers promised its length, and counts request bytes as they
/// cross the wire. <see cref="InterceptingProxy"/> is the HTTP-level one, on the shared helper.
/// </para>
/// </summary>
public sealed class FaultyProxy : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly int _upstreamPort;
    readonly CancellationTokenSource _stop = new();
    readonly Task _accepting;
    long _upstreamBytes;
    int _corrupted;
    int _rejected;

    public FaultyProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Client→registry bytes so far, across connections.</summary>
    public long UpstreamBytes => Interlocked.Read(ref _upstreamBytes);

    /// <summary>Once this many client→registry bytes have passed, every connection is reset.</summary>
    public long? DropAfterUpstreamBytes { get; set; }

    /// <summary>Flips the byte at this offset of one connection's response stream (once).</summary>
    public long? CorruptResponseByteAt { get; set; }

    /// <summary>The first connections get this response and are closed (e.g. "503 Service Unavailable").</summary>
    public (int Count, string StatusLine, string ExtraHeaders)? RejectFirstConnections { get; set; }

    public int Rejected => _rejected;
    public bool Corrupted => _corrupted > 0;

    public void Heal()
    {
        DropAfterUpstreamBytes = null;
        CorruptResponseByteAt = null;
        RejectFirstConnections = null;
    }

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            if (RejectFirstConnections is { } reject && Interlocked.Increment(ref _rejected) <= reject.Count)
            {
                var stream = client.GetStream();
                // Read the request head so the client sees a response, not a reset.
                var buffer = new byte[8192];
                _ = await stream.ReadAsync(buffer);
                var response = $"HTTP/1.1 {reject.StatusLine}\r\nContent-Length: 0\r\nConnection: close\r\n{reject.ExtraHeaders}\r\n";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(response));
                return;
            }
            using var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
            }
            catch (SocketException)
            {
                Reset(client);
                return;
            }
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client, upstream, upstreamDirection: true, done.Token);
            var down = PumpAsync(upstream, client, upstreamDirection: false, done.Token);
            await Task.WhenAny(up, down);
            done.Cancel();
            Reset(client);
            Reset(upstream);
            try { await Task.WhenAll(up, down); } catch (Exception) { }
        }
    }

    async Task PumpAsync(TcpClient from, TcpClient to, bool upstreamDirection, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        long offset = 0;
        var input = from.GetStream();
        var output = to.GetStream();
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(buffer, ct);
                if (read == 0)
                    return;
                if (upstreamDirection)
                {
                    var total = Interlocked.Add(ref _upstreamBytes, read);
                    if (DropAfterUpstreamBytes is { } budget && total > budget)
                        return;
                }
                else if (CorruptResponseByteAt is { } at && at >= offset && at < offset + read && Interlocked.Exchange(ref _corrupted, 1) == 0)
                {
                    buffer[at - offset] ^= 0xFF;
                }
                offset += read;
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _accepting; } catch (Exception) { }
        _stop.Dispose();
    }
}
