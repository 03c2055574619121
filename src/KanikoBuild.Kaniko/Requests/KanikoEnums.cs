namespace KanikoBuild.Kaniko;

/// <summary><c>--snapshot-mode</c>: which file attributes decide that a file changed.</summary>
public enum KanikoSnapshotMode
{
    Full,
    Redo,
    Time,
}

/// <summary><c>--verbosity</c>.</summary>
public enum KanikoVerbosity
{
    Panic,
    Fatal,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}
