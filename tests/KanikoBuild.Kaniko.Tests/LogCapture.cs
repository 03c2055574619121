using System.Collections.Concurrent;
using System.Diagnostics;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace KanikoBuild.Kaniko.Tests;

/// <summary>Collects every log event with the moment it arrived, and lets a test wait for a line.</summary>
public sealed class LogCapture : ILogEventSink
{
    readonly ConcurrentQueue<(string Text, long At)> _events = new();
    readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _waiters = new();

    public LogCapture()
    {
        Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
    }

    public ILogger Logger { get; }

    public IReadOnlyList<string> Texts => _events.Select(e => e.Text).ToList();

    /// <summary>When (in <see cref="Stopwatch"/> ticks) the first event containing <paramref name="text"/> arrived.</summary>
    public long? ArrivalOf(string text) => _events.FirstOrDefault(e => e.Text.Contains(text, StringComparison.Ordinal)) is { Text: not null } hit ? hit.At : null;

    public void Emit(LogEvent logEvent)
    {
        var text = logEvent.RenderMessage() + (logEvent.Exception is { } e ? " " + e : string.Empty);
        var at = Stopwatch.GetTimestamp();
        _events.Enqueue((text, at));
        foreach (var (needle, waiter) in _waiters)
        {
            if (text.Contains(needle, StringComparison.Ordinal))
                waiter.TrySetResult(at);
        }
    }

    /// <summary>Completes when a line containing <paramref name="text"/> is logged (fails the test after 60 s).</summary>
    public async Task WaitForAsync(string text)
    {
        var waiter = _waiters.GetOrAdd(text, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (ArrivalOf(text) is { } at)
            waiter.TrySetResult(at);
        await waiter.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
