using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace KanikoBuild.Engine.Logging;

/// <summary><c>.nuke/temp/build.log</c>, rewritten each run, at every level: <c>HH:mm:ss.fff | I | Target | message</c>.</summary>
internal sealed class FileSink : ILogEventSink, IDisposable
{
    static readonly MessageTemplateTextFormatter s_message = new("{Message:l}");
    readonly StreamWriter _writer;
    readonly Func<string?> _currentTarget;
    readonly object _gate = new();

    public FileSink(string path, Func<string?> currentTarget)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        _currentTarget = currentTarget;
    }

    public void Emit(LogEvent logEvent)
    {
        var message = new StringWriter(CultureInfo.InvariantCulture);
        s_message.Format(logEvent, message);
        var line = $"{logEvent.Timestamp.ToLocalTime():HH:mm:ss.fff} | {ConsoleSink.Abbreviation(logEvent.Level)[0]} | {(_currentTarget() ?? string.Empty),-20} | {message}";
        if (logEvent.Exception is { } exception)
            line += Environment.NewLine + exception;
        lock (_gate)
            _writer.WriteLine(line);
    }

    public void Dispose()
    {
        lock (_gate)
            _writer.Dispose();
    }
}
