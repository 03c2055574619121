using KanikoBuild.Kaniko;

namespace KanikoBuild.Prisma.Twistcli;

public sealed record TarballScannerOptions
{
    /// <summary>Where twistcli runs; <see cref="TwistcliPlacement.Auto"/> prefers this host.</summary>
    public TwistcliPlacement Placement { get; init; } = TwistcliPlacement.Auto;

    /// <summary>
    /// The image the container runs twistcli in: by default the kaniko executor's debug image, which the build has
    /// just run kaniko with (so it is in the engine, pinned as the user pinned it) and which has a static busybox
    /// for the wrapper script. twistcli is a static binary and needs nothing else from the image.
    /// </summary>
    public string ContainerImage { get; init; } = DockerKanikoRunnerOptions.DefaultImage;

    /// <summary>The shell in <see cref="ContainerImage"/> that runs the wrapper (the debug image's busybox).</summary>
    public string ContainerShell { get; init; } = "/busybox/sh";

    /// <summary>The host's shell for the wrapper.</summary>
    public string HostShell { get; init; } = "/bin/sh";

    /// <summary>The container's network mode (e.g. <c>host</c>, to reach a Console on 127.0.0.1); null = Docker's default.</summary>
    public string? NetworkMode { get; init; }

    /// <summary>The engine address; null = DOCKER_HOST, then the platform's default socket.</summary>
    public Uri? DockerEndpoint { get; init; }

    /// <summary>Where the private scan folder is made; the engine must see it for a container run (default: the temp folder).</summary>
    public string? WorkRoot { get; init; }

    /// <summary>How long the engine may take to answer the ping that decides whether a container can be used.</summary>
    public TimeSpan EngineTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>More labels for the container (tests use one to find theirs).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
