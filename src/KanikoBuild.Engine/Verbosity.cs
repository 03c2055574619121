using Serilog.Events;

namespace KanikoBuild.Engine;

/// <summary>How much the build prints; <c>--verbosity</c>.</summary>
public enum Verbosity
{
    Quiet,
    Minimal,
    Normal,
    Verbose,
}

internal static class VerbosityExtensions
{
    // Normal shows Debug (as in Nuke); Minimal hides it; Quiet leaves warnings, errors and the failure outcome.
    public static LogEventLevel ToLevel(this Verbosity verbosity) => verbosity switch
    {
        Verbosity.Verbose => LogEventLevel.Verbose,
        Verbosity.Normal => LogEventLevel.Debug,
        Verbosity.Minimal => LogEventLevel.Information,
        _ => LogEventLevel.Warning,
    };
}
