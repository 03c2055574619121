namespace KanikoBuild.Engine;

/// <summary>How much the build prints on the console; <c>--verbosity</c> (levels: <see cref="Logging.EngineLogging.ConsoleLevel"/>).</summary>
public enum Verbosity
{
    Quiet,
    Minimal,
    Normal,
    Verbose,
}
