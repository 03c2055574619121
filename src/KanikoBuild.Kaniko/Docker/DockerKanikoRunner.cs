using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Kaniko;

/// <summary>
/// Runs the executor image as a fresh container per build through the Docker engine API. kaniko unpacks images
/// into its own root, so a container can never be reused; it is removed (with its anonymous volumes, such as the
/// debug image's <c>/busybox</c>) in every outcome.
/// </summary>
public sealed class DockerKanikoRunner : IKanikoRunner
{
    readonly DockerKanikoRunnerOptions _options;
    readonly ILogger _logger;

    public DockerKanikoRunner(DockerKanikoRunnerOptions options, ILogger? logger = null)
    {
        _options = options;
        _logger = (logger ?? Log.Logger).ForContext<DockerKanikoRunner>();
    }

    public Uri Endpoint => _options.Endpoint ?? DockerEndpoint.Resolve();

    /// <summary>
    /// Makes sure the executor image is in the engine, pulling it when missing, as a run would: for Doctor, which
    /// must not call an image fine that cannot be had. Returns what was done; throws <see cref="KanikoFailure"/>.
    /// </summary>
    public async Task<ExecutorImageState> EnsureImageAsync(IReadOnlyDictionary<string, RegistryCredential> credentials, CancellationToken ct)
    {
        var endpoint = Endpoint;
        using var configuration = new DockerClientConfiguration(endpoint);
        using var client = CreateClient(configuration, endpoint);
        await PingAsync(client, endpoint, ct).ConfigureAwait(false);
        return await EnsureImageAsync(client, credentials, ct).ConfigureAwait(false);
    }

    public async Task<KanikoBuildResult> RunAsync(KanikoBuildRequest request, CancellationToken ct)
    {
        KanikoRequestValidator.Validate(request);
        if (request.Context.IsDirectory && !Directory.Exists(request.Context.HostDirectory))
            throw new PipelineException($"The build context '{request.Context.HostDirectory}' does not exist; check the context path.");

        var paths = new KanikoPaths(DockerKanikoRunnerOptions.ContextPath, DockerKanikoRunnerOptions.OutputPath, DockerKanikoRunnerOptions.SecretsPath);
        var arguments = KanikoArguments.From(request, paths);
        var environment = Environment(request);

        var endpoint = Endpoint;
        using var configuration = new DockerClientConfiguration(endpoint);
        using var client = CreateClient(configuration, endpoint);
        await PingAsync(client, endpoint, ct).ConfigureAwait(false);
        await EnsureImageAsync(client, request.RegistryCredentials, ct).ConfigureAwait(false);

        using var workspace = RunWorkspace.Create(_options.WorkRoot ?? Path.GetTempPath(), request, _logger);
        var runId = Path.GetFileName(workspace.Root);
        var stopwatch = Stopwatch.StartNew();
        var output = new KanikoOutput();
        _logger.Information("kaniko: running {Image} in a container ({Endpoint}) with {Arguments}", _options.Image, endpoint, arguments);

        string? containerId = null;
        int exitCode;
        try
        {
            var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = _options.Image,
                Cmd = arguments.ToList(),
                Env = environment,
                Labels = Labels(runId),
                HostConfig = new HostConfig
                {
                    Mounts = Mounts(request, workspace),
                    NetworkMode = _options.NetworkMode,
                    AutoRemove = false,
                },
            }, ct).ConfigureAwait(false);
            containerId = created.ID;

            await client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), ct).ConfigureAwait(false);
            await StreamOutputAsync(client, containerId, output, ct).ConfigureAwait(false);
            var exit = await client.Containers.WaitContainerAsync(containerId, ct).ConfigureAwait(false);
            exitCode = (int)exit.StatusCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && containerId is not null)
        {
            _logger.Warning("kaniko: cancelled; killing container {Container}", Short(containerId));
            await KillAsync(client, containerId).ConfigureAwait(false);
            throw;
        }
        catch (DockerApiException e) when (!ct.IsCancellationRequested)
        {
            throw new KanikoFailure(KanikoFailureKind.ExecutorFailed,
                $"The Docker engine refused to run the kaniko container ({Secrets.Mask(EngineMessage(e))}); check --kaniko-network ('{_options.NetworkMode ?? "default"}') and that the engine can see the folders this machine mounts.", inner: e);
        }
        catch (Exception e) when (IsEngineFailure(e) && !ct.IsCancellationRequested)
        {
            throw new KanikoFailure(KanikoFailureKind.EngineUnreachable,
                $"The Docker engine at {endpoint} stopped answering during the kaniko build ({e.Message}); check that Docker is running.", inner: e);
        }
        finally
        {
            if (containerId is not null)
                await RemoveAsync(client, containerId).ConfigureAwait(false);
        }

        stopwatch.Stop();
        _logger.Information("kaniko: exit code {ExitCode} after {Duration}", exitCode, stopwatch.Elapsed);
        if (exitCode != 0)
            throw KanikoFailures.FromExit(exitCode, output, $"image {_options.Image}", ExecutorNetwork.Docker(_options.NetworkMode));
        return workspace.Collect(request, exitCode, stopwatch.Elapsed);
    }

    List<string> Environment(KanikoBuildRequest request)
    {
        // kaniko refuses to run unless it believes it is in a container.
        var environment = new List<string> { "container=docker" };
        foreach (var name in request.BuildArgs.Where(a => !a.Contains('=', StringComparison.Ordinal)))
        {
            var value = System.Environment.GetEnvironmentVariable(name);
            if (value is null)
            {
                _logger.Warning("kaniko: build argument {Name} has no value in this environment; the Dockerfile's default applies", name);
                continue;
            }
            if (!string.Equals(KanikoBuild.Secrets.Mask(value), value, StringComparison.Ordinal))
                throw new PipelineException($"The build argument {name} holds a secret, and a container's environment is visible to 'docker inspect'; hand it over as a build secret (--secret, read with RUN --mount=type=secret) instead.");
            environment.Add($"{name}={value}");
        }
        return environment;
    }

    Dictionary<string, string> Labels(string runId)
    {
        var labels = new Dictionary<string, string>(_options.Labels, StringComparer.Ordinal)
        {
            [DockerKanikoRunnerOptions.RoleLabel] = "kaniko-executor",
            [DockerKanikoRunnerOptions.RunLabel] = runId,
        };
        return labels;
    }

    // Mount objects rather than "src:dst:ro" bind strings: a host path with a colon cannot break them.
    static List<Mount> Mounts(KanikoBuildRequest request, RunWorkspace workspace)
    {
        static Mount Bind(string source, string target, bool readOnly) => new() { Type = "bind", Source = source, Target = target, ReadOnly = readOnly };
        var mounts = new List<Mount>();
        if (request.Context.IsDirectory)
            mounts.Add(Bind(request.Context.HostDirectory!, DockerKanikoRunnerOptions.ContextPath, readOnly: false));
        mounts.Add(Bind(workspace.Output, DockerKanikoRunnerOptions.OutputPath, readOnly: false));
        if (workspace.HasSecrets)
            mounts.Add(Bind(workspace.SecretsDirectory, DockerKanikoRunnerOptions.SecretsPath, readOnly: true));
        if (workspace.HasCredentials)
            mounts.Add(Bind(workspace.DockerConfigFile, DockerKanikoRunnerOptions.DockerConfigPath, readOnly: true));
        foreach (var mount in request.Mounts)
            mounts.Add(Bind(Path.GetFullPath(mount.HostPath), KanikoRequestValidator.NormalizeContainerPath(mount.ContainerPath)!, mount.ReadOnly));
        return mounts;
    }

    async Task StreamOutputAsync(DockerClient client, string containerId, KanikoOutput output, CancellationToken ct)
    {
        // 'logs --follow' replays from the container's start, so nothing printed before we attach is lost.
        using var stream = await client.Containers.GetContainerLogsAsync(containerId, tty: false,
            new ContainerLogsParameters { Follow = true, ShowStdout = true, ShowStderr = true }, ct).ConfigureAwait(false);
        void OnLine(string line)
        {
            output.Observe(line);
            _logger.Information("{Output}", line);
        }
        var stdout = new LineSplitter(OnLine);
        var stderr = new LineSplitter(OnLine);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
            if (read.EOF)
                break;
            (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Write(buffer, read.Count);
        }
        stdout.Flush();
        stderr.Flush();
    }

    async Task PingAsync(DockerClient client, Uri endpoint, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.EngineTimeout);
        try
        {
            await client.System.PingAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && (IsEngineFailure(e) || e is OperationCanceledException or DockerApiException))
        {
            throw new KanikoFailure(KanikoFailureKind.EngineUnreachable,
                $"The Docker engine at {endpoint} is not reachable ({Reason(e)}); check that Docker is running and that DOCKER_HOST points to it, or use --kaniko-runner local inside a kaniko image.", inner: e);
        }
    }

    async Task<ExecutorImageState> EnsureImageAsync(DockerClient client, IReadOnlyDictionary<string, RegistryCredential> credentials, CancellationToken ct)
    {
        var image = _options.Image;
        try
        {
            var present = await client.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
            return new ExecutorImageState(image, present.ID, Pulled: false);
        }
        catch (DockerImageNotFoundException)
        {
        }

        _logger.Information("kaniko: pulling the executor image {Image}", image);
        var login = DockerConfigFile.For(image, credentials);
        var auth = login is not { } found ? null : new AuthConfig { Username = found.Credential.Username, Password = found.Credential.Password, ServerAddress = found.Registry };
        var errors = new List<string>();
        try
        {
            await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image }, auth,
                new Progress<JSONMessage>(m =>
                {
                    if (m.Error?.Message is { Length: > 0 } error)
                        errors.Add(error);
                    else if (m.ErrorMessage is { Length: > 0 } message)
                        errors.Add(message);
                }), ct).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            errors.Add(EngineMessage(e));
        }

        try
        {
            var pulled = await client.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
            return new ExecutorImageState(image, pulled.ID, Pulled: true);
        }
        catch (DockerImageNotFoundException e)
        {
            var reason = errors.Count > 0 ? Secrets.Mask(string.Join("; ", errors.Distinct())) : "the engine reported no reason";
            // The engine's pull errors are Go's and the registry's wording, as kaniko's are: name the cause.
            var cause = errors.Select(RegistryCause.From).FirstOrDefault(c => c is not null);
            var check = cause?.Kind switch
            {
                KanikoFailureKind.RegistryDns => $"its registry host {cause.Registry} does not resolve: check the --kaniko-image name and this machine's DNS",
                KanikoFailureKind.RegistryUnreachable => $"its registry {cause.Registry} cannot be reached: check the --kaniko-image name, and the network or proxy to that registry",
                KanikoFailureKind.RegistryTls => $"TLS with its registry {cause.Registry} failed: check the engine's trust of that registry's certificate",
                KanikoFailureKind.PushRefused => $"its registry {cause.Registry} refused the pull: check the registry login (docker login {cause.Registry}) or the image name",
                KanikoFailureKind.ImageNotFound => "its registry does not have it: check the --kaniko-image name and tag",
                _ => "check the --kaniko-image name, the network to its registry and the registry login",
            };
            throw new KanikoFailure(KanikoFailureKind.ImageUnavailable,
                $"The kaniko executor image {image} is not in the Docker engine and could not be pulled ({reason}); {check}, or load the image with 'docker load'.", inner: e, registry: cause?.Registry);
        }
    }

    async Task KillAsync(DockerClient client, string containerId)
    {
        try
        {
            await client.Containers.KillContainerAsync(containerId, new ContainerKillParameters(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            // It may have exited on its own meanwhile; removal below is what matters.
            _logger.Debug("kaniko: kill of {Container} failed: {Reason}", Short(containerId), e.Message);
        }
    }

    async Task RemoveAsync(DockerClient client, string containerId)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or TimeoutException)
        {
            _logger.Warning("kaniko: could not remove container {Container} ({Reason}); remove it with 'docker rm -fv {Container}'", Short(containerId), e.Message, containerId);
        }
    }

    static DockerClient CreateClient(DockerClientConfiguration configuration, Uri endpoint)
    {
        try
        {
            return configuration.CreateClient();
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new KanikoFailure(KanikoFailureKind.EngineUnreachable,
                $"The Docker engine address {endpoint} cannot be used ({e.Message}); set DOCKER_HOST to unix://…, tcp://… or npipe://….", inner: e);
        }
    }

    /// <summary>The engine's error text: the <c>message</c> of its JSON body, else the body or the exception's text.</summary>
    static string EngineMessage(DockerApiException e)
    {
        if (e.ResponseBody is not { Length: > 0 } body)
            return e.Message;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
                return text.Trim();
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return body.Trim();
    }

    static bool IsEngineFailure(Exception e) =>
        e is HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException
        || e.InnerException is { } inner && IsEngineFailure(inner);

    static string Reason(Exception e)
    {
        if (e is OperationCanceledException)
            return "no answer in time";
        var innermost = e;
        while (innermost.InnerException is not null)
            innermost = innermost.InnerException;
        return innermost.Message;
    }

    static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
