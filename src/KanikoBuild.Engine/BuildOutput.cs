using Serilog;

namespace KanikoBuild.Engine;

/// <summary>Output for tools that read the log: a plain line, without timestamp or level, still through the masking pipeline.</summary>
public static class BuildOutput
{
    public static void Plain(string line) => Log.ForContext(Logging.ConsoleSink.RawProperty, true).Information("{Line:l}", line);
}
