using System.Diagnostics;
using Serilog;

namespace KanikoBuild.Kaniko;

/// <summary>
/// Runs <c>/kaniko/executor</c> as a child process, for CI jobs that already run in a kaniko debug image. kaniko
/// unpacks the base image over the root of the container it runs in and leaves only <c>/kaniko</c> (and mount
/// points) alone, so everything this runner places for the executor goes under <c>/kaniko</c>: the private run
/// folder (outputs, secrets, <c>DOCKER_CONFIG</c>) and the request's mounts, which are copied in before the build,
/// copied back out afterwards when writable (also when the build failed), and then removed.
/// </summary>
public sealed class LocalKanikoRunner : IKanikoRunner
{
    readonly LocalKanikoRunnerOptions _options;
    readonly ILogger _logger;

    public LocalKanikoRunner(LocalKanikoRunnerOptions options, ILogger? logger = null)
    {
        _options = options;
        _logger = (logger ?? Log.Logger).ForContext<LocalKanikoRunner>();
    }

    public async Task<KanikoBuildResult> RunAsync(KanikoBuildRequest request, CancellationToken ct)
    {
        KanikoRequestValidator.Validate(request);
        if (!File.Exists(_options.ExecutorPath))
            throw new KanikoFailure(KanikoFailureKind.ExecutorMissing,
                $"The kaniko executor {_options.ExecutorPath} does not exist; run inside a kaniko debug image, set --kaniko-executor, or use --kaniko-runner docker.");
        if (request.Context.IsDirectory && !Directory.Exists(request.Context.HostDirectory))
            throw new PipelineException($"The build context '{request.Context.HostDirectory}' does not exist; check the context path.");

        using var workspace = RunWorkspace.Create(_options.KanikoRoot, request, _logger);
        var paths = new KanikoPaths(request.Context.HostDirectory ?? string.Empty, workspace.Output, workspace.SecretsDirectory) { KanikoDirectory = _options.KanikoRoot };
        var arguments = KanikoArguments.From(request, paths);
        var environment = new Dictionary<string, string?>();
        if (workspace.HasCredentials)
            environment["DOCKER_CONFIG"] = workspace.DockerConfigDirectory + Path.DirectorySeparatorChar;

        var output = new KanikoOutput();
        var stopwatch = Stopwatch.StartNew();
        var placed = new List<(KanikoMount Mount, string Target)>();
        int exitCode;
        try
        {
            foreach (var mount in request.Mounts)
                placed.Add((mount, Place(mount)));
            _logger.Information("kaniko: running {Executor} with {Arguments}", _options.ExecutorPath, arguments);
            exitCode = await ProcessRunner.RunAsync(new ProcessSpec(_options.ExecutorPath, arguments) { Environment = environment },
                line =>
                {
                    output.Observe(line);
                    _logger.Information("{Output}", line);
                }, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (mount, target) in placed)
                Release(mount, target);
        }
        stopwatch.Stop();
        _logger.Information("kaniko: exit code {ExitCode} after {Duration}", exitCode, stopwatch.Elapsed);
        if (exitCode != 0)
            throw KanikoFailures.FromExit(exitCode, output, _options.ExecutorPath, ExecutorNetwork.SameHost);
        return workspace.Collect(request, exitCode, stopwatch.Elapsed);
    }

    /// <summary>The local path that stands for an executor path under <c>/kaniko</c>.</summary>
    public string MapContainerPath(string containerPath)
    {
        var normalized = KanikoRequestValidator.NormalizeContainerPath(containerPath)
            ?? throw new PipelineException($"The mount path '{containerPath}' is not under /kaniko/.");
        return Path.Combine(_options.KanikoRoot, normalized[(KanikoRequestValidator.KanikoDirectory.Length + 1)..]);
    }

    string Place(KanikoMount mount)
    {
        var target = MapContainerPath(mount.ContainerPath);
        if (Path.Exists(target))
            throw new PipelineException($"{mount.ContainerPath} already exists in this kaniko image, and the local runner will not overwrite it; choose another mount path or remove it.");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        DirectoryCopy.Copy(mount.HostPath, target);
        return target;
    }

    void Release(KanikoMount mount, string target)
    {
        try
        {
            // Copied back even after a failed build: a scan step writes its report before failing the build.
            if (!mount.ReadOnly && Path.Exists(target))
                DirectoryCopy.Copy(target, mount.HostPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.Error("kaniko: could not copy {Path} back to {HostPath}: {Reason}", mount.ContainerPath, mount.HostPath, e.Message);
        }
        if (!PrivateDirectory.TryDelete(target))
            _logger.Warning("kaniko: could not remove {Path}; delete it by hand", target);
    }
}
