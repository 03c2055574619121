using System.Collections;

namespace KanikoBuild.Engine;

/// <summary>What a build run reads from its process: arguments, environment, working directory, console. Injected in tests.</summary>
internal sealed record EngineContext(
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    TextWriter Console)
{
    /// <summary>Null: colours when the console is a terminal (or a CI log that renders ANSI) and NO_COLOR is unset.</summary>
    public bool? Colors { get; init; }

    /// <summary>Ctrl-C and SIGTERM handlers; off in tests, which cancel through <see cref="Cancellation"/>.</summary>
    public bool HandleSignals { get; init; } = true;

    public CancellationToken Cancellation { get; init; }

    public static EngineContext FromProcess() => new(
        System.Environment.GetCommandLineArgs().Skip(1).ToArray(),
        EnvironmentSnapshot.Current(),
        Directory.GetCurrentDirectory(),
        System.Console.Out);
}

internal static class EnvironmentSnapshot
{
    public static IReadOnlyDictionary<string, string> Current()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            result[(string)entry.Key] = entry.Value as string ?? string.Empty;
        return result;
    }
}
