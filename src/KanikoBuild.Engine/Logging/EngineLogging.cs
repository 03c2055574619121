using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace KanikoBuild.Engine.Logging;

/// <summary>Builds the engine's Serilog pipeline: everything goes through <see cref="SecretMaskingSink"/> first, then to the console and the log file.</summary>
internal static class EngineLogging
{
    /// <summary>
    /// The lowest level the console shows. Normal (the default) shows Information and up, not Debug as Nuke does:
    /// here Debug carries what a user reads past (each request the Console simulator answers, token fetches, registry
    /// endpoint discovery, a child process's chatter), and a screen of <c>[DBG]</c> lines buries the lines that say
    /// what the build did and why it failed. Nothing is lost: the log file always gets every level, and
    /// <c>--verbosity verbose</c> puts Debug and Verbose (child-process output and debug detail) back on the console.
    /// Minimal keeps warnings and errors, Quiet errors only (the failure outcome is an error, so it still shows).
    /// </summary>
    public static LogEventLevel ConsoleLevel(Verbosity verbosity) => verbosity switch
    {
        Verbosity.Verbose => LogEventLevel.Verbose,
        Verbosity.Normal => LogEventLevel.Information,
        Verbosity.Minimal => LogEventLevel.Warning,
        _ => LogEventLevel.Error,
    };

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
