using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace KanikoBuild.Prisma.Tests.Support;

/// <summary>Every rendered line (and exception) a Serilog logger wrote, unmasked: what a leak would look like.</summary>
public sealed class CapturedLog : ILogEventSink
{
    readonly ConcurrentQueue<string> _lines = new();

    public CapturedLog() => Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public ILogger Logger { get; }

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Text => string.Join('\n', _lines);

    public void Emit(LogEvent logEvent) =>
        _lines.Enqueue($"[{logEvent.Level}] {logEvent.RenderMessage()}{(logEvent.Exception is null ? string.Empty : " " + logEvent.Exception)}");
}
