using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace KanikoBuild.Prisma.Tests.Support;

/// <summary>
/// Drives a <see cref="FakeTimeProvider"/> shared by the client and the simulator: waits, back-off, token
/// lifetimes and scan durations pass in fake time while real HTTP on loopback takes its few milliseconds.
/// Time only moves while no request is in flight (or one is held by a simulated slow answer).
/// </summary>
public sealed class FakeClock
{
    public FakeClock() => Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.Zero };

    public FakeTimeProvider Time { get; }

    public InFlightHandler Transport { get; } = new();

    /// <summary>Other real work the clock must wait for (the simulator pulling an image).</summary>
    public Func<bool>? Busy { get; set; }

    public async Task<T> RunAsync<T>(Task<T> work, TimeSpan? step = null, TimeSpan? realLimit = null)
    {
        var advance = step ?? TimeSpan.FromMilliseconds(500);
        var limit = realLimit ?? TimeSpan.FromSeconds(90);
        var real = Stopwatch.StartNew();
        while (!work.IsCompleted)
        {
            if (real.Elapsed > limit)
                throw new TimeoutException($"the work did not finish within {limit} of real time (fake time {Time.GetUtcNow():O})");
            await Task.WhenAny(work, Task.Delay(2));
            if (Transport.IdleOrStuck(TimeSpan.FromMilliseconds(150)) && Busy?.Invoke() != true)
                Time.Advance(advance);
        }
        return await work;
    }

    public async Task RunAsync(Task work, TimeSpan? step = null, TimeSpan? realLimit = null) =>
        await RunAsync(work.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), step, realLimit);
}

/// <summary>Real sockets, with a count of requests in flight and how long the oldest has been.</summary>
public sealed class InFlightHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    readonly object _gate = new();
    readonly Dictionary<HttpRequestMessage, long> _inFlight = [];

    public bool IdleOrStuck(TimeSpan stuckAfter)
    {
        lock (_gate)
            return _inFlight.Count == 0 || _inFlight.Values.Min() + (long)(stuckAfter.TotalSeconds * Stopwatch.Frequency) < Stopwatch.GetTimestamp();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        lock (_gate)
            _inFlight[request] = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, ct);
            await response.Content.LoadIntoBufferAsync(ct);
            return response;
        }
        finally
        {
            lock (_gate)
                _inFlight.Remove(request);
        }
    }
}
