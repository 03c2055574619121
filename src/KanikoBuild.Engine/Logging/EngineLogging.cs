using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace KanikoBuild.Engine.Logging;

/// <summary>Builds the engine's Serilog pipeline: everything goes through <see cref="SecretMaskingSink"/> first, then to the console and the log file.</summary>
internal static class EngineLogging
{
    public static Logger Create(TextWriter console, LogEventLevel consoleLevel, bool colors, string? logFile = null, Func<string?>? currentTarget = null, WarningCollector? warnings = null)
    {
        var sinks = new List<ILogEventSink> { new ConsoleSink(console, consoleLevel, colors) };
        if (warnings is not null)
            sinks.Add(warnings);
        if (logFile is not null)
        {
            try
            {
                sinks.Add(new FileSink(logFile, currentTarget ?? (() => null)));
            }
            catch (IOException)
            {
                // Another build holds the file (two builds in one checkout): the console still has everything.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.Sink(new SecretMaskingSink(new FanOutSink(sinks)))
            .CreateLogger();
    }

    sealed class FanOutSink(IReadOnlyList<ILogEventSink> sinks) : ILogEventSink, IDisposable
    {
        public void Emit(LogEvent logEvent)
        {
            foreach (var sink in sinks)
                sink.Emit(logEvent);
        }

        public void Dispose()
        {
            foreach (var sink in sinks)
                (sink as IDisposable)?.Dispose();
        }
    }
}
