using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace KanikoBuild.Engine.Logging;

/// <summary>
/// Writes <c>HH:mm:ss [INF] message</c> lines (Nuke's console template, rendered by Serilog's own
/// <see cref="MessageTemplateTextFormatter"/>), coloured by level when the output is a terminal or a CI log that
/// understands ANSI. Events carrying <see cref="RawProperty"/> are written as they are: help text, target blocks,
/// <c>::group::</c>, <c>::warning::</c> and <c>section_start</c> commands that must start the line.
/// <para>
/// A small sink of its own rather than Serilog.Sinks.Console, which cannot do two things the engine needs: it
/// writes only to <see cref="System.Console.Out"/>/<see cref="System.Console.Error"/> (6.1.1 takes no
/// <see cref="TextWriter"/>), while the engine writes to the console its <see cref="EngineContext"/> names — the
/// process's stdout in a build, a writer the tests read exactly what a user would see from — and one template
/// for every event, so the raw lines above would get a timestamp and a level in front of them. Its themes also
/// colour tokens (the level, each property value), not the line of a warning or an error.
/// </para>
/// </summary>
internal sealed class ConsoleSink(TextWriter output, LogEventLevel minimumLevel, bool colors) : ILogEventSink
{
    public const string RawProperty = "Raw";

    /// <summary>Nuke's console template (<c>nuke.md</c> §1.11).</summary>
    public const string OutputTemplate = "{Timestamp:HH:mm:ss} [{Level:u3}] {Message:l}{NewLine}{Exception}";

    static readonly MessageTemplateTextFormatter s_line = new(OutputTemplate, CultureInfo.InvariantCulture);
    static readonly MessageTemplateTextFormatter s_raw = new("{Message:l}{NewLine}", CultureInfo.InvariantCulture);
    readonly object _gate = new();

    public void Emit(LogEvent logEvent)
    {
        if (logEvent.Level < minimumLevel)
            return;
        var raw = logEvent.Properties.ContainsKey(RawProperty);
        var buffer = new StringWriter(CultureInfo.InvariantCulture);
        (raw ? s_raw : s_line).Format(logEvent, buffer);
        var text = buffer.ToString();
        // Raw lines are never coloured: '::warning::' or 'section_start' behind an escape code is no command.
        if (colors && !raw && Color(logEvent.Level) is { } color)
        {
            // The reset goes before the line break, so the next line starts with its own text: a '::endgroup::' that
            // followed an escape code would no longer be a command.
            var body = text.EndsWith(Environment.NewLine, StringComparison.Ordinal) ? text[..^Environment.NewLine.Length] : text;
            text = $"\u001b[{color}m{body}\u001b[0m{Environment.NewLine}";
        }
        // One write per event, so lines from parallel threads never interleave.
        lock (_gate)
            output.Write(text);
    }

    static string? Color(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "90",
        LogEventLevel.Warning => "33",
        LogEventLevel.Error or LogEventLevel.Fatal => "31",
        _ => null,
    };
}
