namespace KanikoBuild.Kaniko;

/// <summary>Where the Docker engine listens, found the way the docker CLI finds it.</summary>
public static class DockerEndpoint
{
    public static Uri Resolve() => Resolve(Environment.GetEnvironmentVariable);

    /// <summary>
    /// <c>DOCKER_HOST</c> when set; otherwise the named pipe on Windows, <c>/var/run/docker.sock</c>, or a rootless
    /// engine's <c>$XDG_RUNTIME_DIR/docker.sock</c> when only that one exists.
    /// </summary>
    public static Uri Resolve(Func<string, string?> environment)
    {
        if (environment("DOCKER_HOST") is { Length: > 0 } host)
        {
            if (!Uri.TryCreate(host, UriKind.Absolute, out var uri))
                throw new PipelineException($"DOCKER_HOST '{host}' is not an address such as unix:///var/run/docker.sock or tcp://host:2375; fix or unset it.");
            return uri;
        }
        if (OperatingSystem.IsWindows())
            return new Uri("npipe://./pipe/docker_engine");
        const string system = "/var/run/docker.sock";
        if (!File.Exists(system) && environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && File.Exists(Path.Combine(runtime, "docker.sock")))
            return new Uri("unix://" + Path.Combine(runtime, "docker.sock"));
        return new Uri("unix://" + system);
    }
}
