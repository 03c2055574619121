using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace KanikoBuild.Engine.Logging;

/// <summary>
/// Writes <c>HH:mm:ss [INF] message</c> lines (Nuke's console layout), coloured by level when the output is a
/// terminal or a CI log that understands ANSI. Events carrying <see cref="RawProperty"/> are written as
/// they are: help text, target blocks, <c>::group::</c> commands that must start the line.
/// </summary>
internal sealed class ConsoleSink(TextWriter output, LogEventLevel minimumLevel, bool colors) : ILogEventSink
{
    public const string RawProperty = "Raw";

    static readonly MessageTemplateTextFormatter s_message = new("{Message:l}");
    readonly object _gate = new();

    public void Emit(LogEvent logEvent)
    {
        if (logEvent.Level < minimumLevel)
            return;
        var message = new StringWriter(CultureInfo.InvariantCulture);
        s_message.Format(logEvent, message);
        string text;
        if (logEvent.Properties.ContainsKey(RawProperty))
        {
            text = message.ToString();
        }
        else
        {
            text = $"{logEvent.Timestamp.ToLocalTime():HH:mm:ss} [{Abbreviation(logEvent.Level)}] {message}";
            if (logEvent.Exception is { } exception)
                text += Environment.NewLine + exception;
        }
        if (colors && Color(logEvent.Level) is { } color)
            text = $"\u001b[{color}m{text}\u001b[0m";
        lock (_gate)
            output.WriteLine(text);
    }

    internal static string Abbreviation(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };

    static string? Color(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "90",
        LogEventLevel.Warning => "33",
        LogEventLevel.Error or LogEventLevel.Fatal => "31",
        _ => null,
    };
}
