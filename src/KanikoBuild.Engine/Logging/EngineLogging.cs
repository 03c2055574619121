using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;

namespace KanikoBuild.Engine.Logging;

/// <summary>Builds the engine's Serilog pipeline: everything goes through <see cref="SecretMaskingSink"/> first, then to the console, the recap and the log file.</summary>
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

    /// <summary>
    /// The sinks are Serilog's own where one fits (the log file: Serilog.Sinks.File) and small ones of the engine's
    /// where none does (<see cref="ConsoleSink"/> says why; the recap). All of them are built inside one
    /// <see cref="LoggerSinkConfiguration.Wrap(Func{ILogEventSink, ILogEventSink}, Action{LoggerSinkConfiguration})"/>
    /// whose wrapper is <see cref="SecretMaskingSink"/>, and only that wrapper is added to the logger: no sink can be
    /// reached except through the masking.
    /// </summary>
    public static Logger Create(TextWriter console, LogEventLevel consoleLevel, bool colors, string? logFile = null, Func<string?>? currentTarget = null, WarningCollector? warnings = null)
    {
        var masked = LoggerSinkConfiguration.Wrap(sinks => new SecretMaskingSink(sinks), to =>
        {
            to.Sink(new ConsoleSink(console, consoleLevel, colors));
            if (warnings is not null)
                to.Sink(warnings);
            if (logFile is null || !BuildLogFile.TryStartRun(logFile))
                return;
            try
            {
                to.File(BuildLogFile.Formatter, logFile, fileSizeLimitBytes: null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Taken between emptying and opening it (another build started): the console still has everything.
            }
        });
        return new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.With(new BuildLogFile.TargetEnricher(currentTarget ?? (() => null)))
            .WriteTo.Sink(masked)
            .CreateLogger();
    }
}
