using System.Collections.Concurrent;
using Serilog;

namespace KanikoBuild.Engine;

/// <summary>Output for tools that read the log: plain lines, without timestamp or level, still through the masking pipeline.</summary>
public static class BuildOutput
{
    static readonly ConcurrentQueue<string> s_final = new();

    /// <summary>Writes a plain line now.</summary>
    public static void Plain(string line) => Log.ForContext(Logging.ConsoleSink.RawProperty, true).Information("{Line:l}", line);

    /// <summary>Writes a plain line now and again as the last lines of the build, after the outcome (e.g. test totals).</summary>
    public static void Final(string line)
    {
        Plain(line);
        s_final.Enqueue(line);
    }

    internal static void WriteFinalLines(ILogger log)
    {
        while (s_final.TryDequeue(out var line))
            log.ForContext(Logging.ConsoleSink.RawProperty, true).Information("{Line:l}", line);
    }
}
