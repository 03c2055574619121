using System.Collections.Concurrent;
using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace KanikoBuild.Engine.Logging;

/// <summary>
/// Keeps the warnings and errors logged while targets run, so the end of the log repeats them
/// (Nuke's "Errors &amp; Warnings" block): on CI they would otherwise hide inside collapsed groups.
/// Sits behind the masking sink, so what it keeps is already masked.
/// </summary>
internal sealed class WarningCollector(Func<string?> currentTarget) : ILogEventSink
{
    static readonly MessageTemplateTextFormatter s_message = new("{Message:l}");
    readonly ConcurrentQueue<(LogEventLevel Level, string? Target, string Message)> _events = new();

    public bool Enabled { get; set; }

    public IReadOnlyCollection<(LogEventLevel Level, string? Target, string Message)> Events => _events;

    public void Emit(LogEvent logEvent)
    {
        if (!Enabled || logEvent.Level < LogEventLevel.Warning || logEvent.Properties.ContainsKey(ConsoleSink.RawProperty))
            return;
        var message = new StringWriter(CultureInfo.InvariantCulture);
        s_message.Format(logEvent, message);
        _events.Enqueue((logEvent.Level, currentTarget(), message.ToString()));
    }
}
