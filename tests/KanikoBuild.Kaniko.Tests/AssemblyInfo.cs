// The runner tests drive a POSIX shell script, Unix file modes and a Linux Docker engine.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
