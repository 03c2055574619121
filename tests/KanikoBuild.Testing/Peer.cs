namespace KanikoBuild.Testing;

/// <summary>
/// A real party a test talks to (the Docker engine, docker-registry, skopeo, Go). A missing peer fails the
/// test with what to install; it never turns into a silent skip, in CI or anywhere else.
/// </summary>
public static class Peer
{
    public static bool IsCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } value && value != "false";

    public static void Require(bool available, string peer, string howToGetIt)
    {
        if (!available)
            throw new PeerMissingException($"This test needs {peer}, which is missing: {howToGetIt}. (.ci/run installs and starts every peer.)");
    }

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? FindExecutable(string name)
    {
        if (Path.IsPathRooted(name))
            return File.Exists(name) ? name : null;
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static string RequireExecutable(string name, string debianPackage)
    {
        var path = FindExecutable(name);
        Require(path is not null, $"'{name}'", $"apt-get install {debianPackage}");
        return path!;
    }
}

public sealed class PeerMissingException(string message) : Exception(message);
