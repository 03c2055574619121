using KanikoBuild.Engine;

// How the kaniko executor runs: through the Docker engine, or as /kaniko/executor inside a kaniko image.
partial class Build
{
    [Parameter("Kaniko executor image for the Docker runner. Pin it by digest in CI (image@sha256:…).")]
    readonly string KanikoImage = "ghcr.io/osscontainertools/kaniko:debug";

    [Parameter("How kaniko runs: 'docker' (a container per build) or 'local' (/kaniko/executor as a process). Default: local when /kaniko/executor exists, else docker.")]
    readonly string? KanikoRunner;

    [Parameter("Network mode of the kaniko container (e.g. host). Default: Docker's default.")]
    readonly string? KanikoNetwork;

    [Parameter("Path of the kaniko executor for the local runner. Default: /kaniko/executor.")]
    readonly string? KanikoExecutor;

    [Parameter("Registry repository for kaniko's layer cache (e.g. registry.example.com/team/app/cache).")]
    readonly string? CacheRepo;
}
