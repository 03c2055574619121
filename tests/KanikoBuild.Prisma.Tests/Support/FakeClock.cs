using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace KanikoBuild.Prisma.Tests.Support;

/// <summary>
/// Drives a <see cref="FakeTimeProvider"/> shared by the client and the simulator: waits, back-off, token
/// lifetimes and scan durations pass in fake time while real HTTP on loopback takes its few milliseconds.
/// <para>
/// Fake time moves only to the moments the code is waiting for, once nothing has changed for a few polls (no timer
/// made, changed, fired or dropped, no request started or ended). With no request in flight and at least one wait
/// pending (a <c>Task.Delay</c> on the provider), the clock jumps to the earliest pending timer of any kind: a
/// deadline or timeout (<see cref="CancellationTokenSource"/> timer) that falls first fires first, as it would in
/// real time, but a deadline alone is never jumped to. With a request in flight, only a wait of the simulator's
/// (a slow answer it holds back) is jumped to: the client's own timers then race a loopback request, which answers.
/// So how busy the machine is changes how long a test takes in real time, never how much fake time passes: before,
/// every ~2 ms of real idle time moved the clock 500 ms, and a loaded machine's pauses became seconds of fake time.
/// </para>
/// </summary>
public sealed class FakeClock
{
    // Polls with nothing changed before the clock moves: the code has had time to start its next request or wait.
    const int SettlePolls = 3;
    static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(5);

    public FakeClock() => Time = new WaitTrackingTimeProvider(new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.Zero));

    public WaitTrackingTimeProvider Time { get; }

    public InFlightHandler Transport { get; } = new();

    /// <summary>Other real work the clock must wait for (the simulator pulling an image).</summary>
    public Func<bool>? Busy { get; set; }

    public async Task<T> RunAsync<T>(Task<T> work, TimeSpan? realLimit = null)
    {
        var limit = realLimit ?? TimeSpan.FromSeconds(90);
        var real = Stopwatch.StartNew();
        var settled = 0;
        (long Timers, long Requests) last = (-1, -1);
        while (!work.IsCompleted)
        {
            if (real.Elapsed > limit)
                throw new TimeoutException($"the work did not finish within {limit} of real time (fake time {Time.GetUtcNow():O}, next wait {Time.NextWait?.ToString("O") ?? "none"})");
            await Task.WhenAny(work, Task.Delay(s_poll));
            var state = (Time.Changes, Transport.Changes);
            if (Busy?.Invoke() == true || state != last)
            {
                last = state;
                settled = 0;
                continue;
            }
            if (++settled < SettlePolls || (Transport.Idle ? Time.NextDueWhileWaiting : Time.NextSimulatorWait) is not { } due)
                continue;
            var now = Time.GetUtcNow();
            Time.Advance(due > now ? due - now : TimeSpan.Zero);
            settled = 0;
        }
        return await work;
    }

    public async Task RunAsync(Task work, TimeSpan? realLimit = null) =>
        await RunAsync(work.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), realLimit);
}

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows its pending timers and which of them are waits (a delay the code
/// sits in) rather than guards (a <see cref="CancellationTokenSource"/> deadline running beside other work).
/// </summary>
public sealed class WaitTrackingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    static readonly System.Reflection.Assembly s_simulator = typeof(ConsoleSimulator.ConsoleSimulatorHost).Assembly;
    readonly object _gate = new();
    readonly HashSet<TrackedTimer> _timers = [];
    long _changes;

    /// <summary>Counts every timer created, changed, fired or disposed.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>When the earliest pending wait is due; null when the code waits for none.</summary>
    public DateTimeOffset? NextWait => Earliest(t => !t.IsGuard);

    /// <summary>When the earliest pending timer of any kind is due, provided some wait is pending; else null.</summary>
    public DateTimeOffset? NextDueWhileWaiting => NextWait is null ? null : Earliest(_ => true);

    /// <summary>When the earliest wait the simulator itself sits in (a held answer) is due.</summary>
    public DateTimeOffset? NextSimulatorWait => Earliest(t => !t.IsGuard && t.InSimulator);

    DateTimeOffset? Earliest(Func<TrackedTimer, bool> which)
    {
        lock (_gate)
            return _timers.Where(t => t.Due is not null && which(t)).Select(t => t.Due).Min();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var frames = new StackTrace(1, false).GetFrames().Select(f => f.GetMethod()?.DeclaringType).ToList();
        var timer = new TrackedTimer(this, callback)
        {
            IsGuard = frames.Contains(typeof(CancellationTokenSource)),
            InSimulator = frames.Any(t => t?.Assembly == s_simulator),
        };
        timer.Schedule(dueTime, period);
        lock (_gate)
            _timers.Add(timer);
        timer.Inner = base.CreateTimer(timer.Fire, state, dueTime, period);
        return timer;
    }

    void Changed() => Interlocked.Increment(ref _changes);

    sealed class TrackedTimer(WaitTrackingTimeProvider owner, TimerCallback callback) : ITimer
    {
        TimeSpan _period = Timeout.InfiniteTimeSpan;

        public required bool IsGuard { get; init; }

        public required bool InSimulator { get; init; }

        public ITimer? Inner { get; set; }

        public DateTimeOffset? Due { get; private set; }

        public void Schedule(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner.GetUtcNow() + dueTime;
                _period = period;
            }
            owner.Changed();
        }

        public void Fire(object? state)
        {
            lock (owner._gate)
                Due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : Due + _period;
            owner.Changed();
            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Schedule(dueTime, period);
            return Inner?.Change(dueTime, period) ?? false;
        }

        public void Dispose()
        {
            lock (owner._gate)
                owner._timers.Remove(this);
            owner.Changed();
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Real sockets, with a count of requests in flight.</summary>
public sealed class InFlightHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    readonly object _gate = new();
    readonly HashSet<HttpRequestMessage> _inFlight = [];
    long _changes;

    /// <summary>Counts every request started or finished.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    public bool Idle
    {
        get
        {
            lock (_gate)
                return _inFlight.Count == 0;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        lock (_gate)
            _inFlight.Add(request);
        Interlocked.Increment(ref _changes);
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
            Interlocked.Increment(ref _changes);
        }
    }
}
