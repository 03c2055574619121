using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using KanikoBuild.Testing;

namespace KanikoBuild.Kaniko.Tests.Runners;

/// <summary>
/// The Docker runner against the real engine, with the recording stand-in image (see <see cref="RecorderImage"/>
/// for what the stand-in does not prove). NetworkMode host: the engine here has no bridge.
/// </summary>
public sealed class DockerKanikoRunnerTests : IDisposable
{
    const string TestLabel = "org.kanikobuild.test";
    readonly string _testId = Guid.NewGuid().ToString("N");
    readonly Scenario _scenario = new();
    readonly LogCapture _log = new();

    public void Dispose() => _scenario.Dispose();

    DockerKanikoRunnerOptions Options(string? image = null, Uri? endpoint = null) => new()
    {
        Image = image ?? RecorderImage.Name,
        NetworkMode = "host",
        Endpoint = endpoint,
        WorkRoot = _scenario.Work.Path,
        Labels = new Dictionary<string, string> { [TestLabel] = _testId },
    };

    DockerKanikoRunner Runner(DockerKanikoRunnerOptions? options = null) => new(options ?? Options(), _log.Logger);

    async Task<IList<ContainerListResponse>> OurContainersAsync()
    {
        using var client = DockerEngine.CreateClient();
        return await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TestLabel}={_testId}"] = true } },
        });
    }

    async Task AssertNothingLeftAsync()
    {
        Assert.Empty(await OurContainersAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scenario.Work.Path));
    }

    [Fact]
    public async Task Runs_a_fresh_container_with_the_requests_arguments_mounts_and_credentials_and_none_of_them_visible()
    {
        await RecorderImage.EnsureAsync();
        _scenario.AwaitAck();
        var request = _scenario.Request() with
        {
            TarPath = _scenario.Outputs.Combine("image.tar"),
            OciLayoutPath = _scenario.Outputs.Combine("layout"),
            ImageNameWithDigestFile = _scenario.Outputs.Combine("names"),
            DigestFile = _scenario.Outputs.Combine("digest"),
        };

        var run = Runner().RunAsync(request, CancellationToken.None);
        await _log.WaitForAsync("recorder: waiting for ack");

        // While the executor runs: what 'docker inspect' shows must hold no credential.
        var container = Assert.Single(await OurContainersAsync());
        using (var client = DockerEngine.CreateClient())
        {
            var inspect = await client.Containers.InspectContainerAsync(container.ID);
            Scenario.AssertNoCredential(inspect.Config.Cmd, "Cmd");
            Scenario.AssertNoCredential(inspect.Config.Env, "Env");
            Scenario.AssertNoCredential(inspect.Config.Labels.Select(l => $"{l.Key}={l.Value}"), "Labels");
            Scenario.AssertNoCredential(inspect.Mounts.Select(m => $"{m.Source}:{m.Destination}"), "Mounts");
            Assert.Contains("container=docker", inspect.Config.Env);
            Assert.Equal("host", inspect.HostConfig.NetworkMode);
            Assert.Contains(inspect.Mounts, m => m.Destination == "/kaniko/.docker/config.json" && !m.RW);
            Assert.Contains(inspect.Mounts, m => m.Destination == "/kaniko/secrets" && !m.RW);
            Assert.Contains(inspect.Mounts, m => m.Destination == "/workspace");
        }
        _scenario.Recording.Write("ack", "");
        var result = await run;

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", result.Digest);
        Assert.Equal(
            ["127.0.0.1:5999/team/app@" + result.Digest, "127.0.0.1:5999/team/app@" + result.Digest],
            result.ImageNamesWithDigest);
        Assert.True(result.Duration > TimeSpan.Zero);

        // The executor got exactly the mapped arguments, in the container's own paths.
        var expected = KanikoArguments.From(request, new KanikoPaths("/workspace", "/kaniko/output", "/kaniko/secrets"));
        Assert.Equal(expected, _scenario.RecordedArgs);
        Assert.Contains("container=docker", _scenario.RecordedEnv);
        Assert.Contains("DOCKER_CONFIG=/kaniko/.docker/", _scenario.RecordedEnv);
        Scenario.AssertNoCredential(_scenario.RecordedEnv, "the executor's environment");
        Assert.Equal($"{Scenario.Username}:{Scenario.Password}", _scenario.RecordedLogin("127.0.0.1:5999"));
        Assert.Equal("readonly", _scenario.Recorded("config-access"));
        Assert.Equal("600", _scenario.Recorded("config-mode"));
        Assert.Equal(Scenario.SecretContent, _scenario.Recorded("secret-npmrc"));
        Assert.Equal("executable", _scenario.Recorded("tools-twistcli"));
        Assert.True(File.Exists(_scenario.Tools.Combine("out", "scan.json")), "a file written under a mounted /kaniko folder reaches the host");

        // The requested outputs were delivered to the host.
        Assert.Equal("stand-in tarball", File.ReadAllText(request.TarPath!).Trim());
        Assert.True(File.Exists(Path.Combine(request.OciLayoutPath!, "index.json")));
        Assert.Equal(result.Digest, File.ReadAllText(request.DigestFile!));
        Assert.Equal(result.ImageNamesWithDigest, File.ReadAllLines(request.ImageNameWithDigestFile!));

        Scenario.AssertNoCredential(_log.Texts, "the log");
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Output_is_streamed_line_by_line_while_the_executor_runs()
    {
        await RecorderImage.EnsureAsync();
        _scenario.AwaitAck();
        var run = Runner().RunAsync(_scenario.Request(), CancellationToken.None);

        // The stand-in blocks until it sees the ack, and writes the ack only after this line reached the log:
        // had the runner logged the output after the exit, the executor would never have finished (it gives
        // up after 60 s with exit 98).
        await _log.WaitForAsync("recorder: waiting for ack");
        var beforeExit = _log.ArrivalOf("recorder: slow line 1");
        _scenario.Recording.Write("ack", "");
        await run;

        Assert.NotNull(beforeExit);
        Assert.True(beforeExit < _log.ArrivalOf("recorder: got ack"));
        Assert.True(beforeExit < _log.ArrivalOf("kaniko: exit code"));
        Assert.Contains(_log.Texts, t => t.Contains("recorder: a line on stderr", StringComparison.Ordinal));
        await AssertNothingLeftAsync();
    }

    public static TheoryData<int, string[], KanikoFailureKind, string> Failures => new()
    {
        { 3, ["INFO[0001] RUN ./run-tests.sh", "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 3"],
            KanikoFailureKind.BuildStepFailed, "The Dockerfile step 'RUN ./run-tests.sh' failed with exit code 3" },
        { 1, ["error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly: UNAUTHORIZED: authentication required"],
            KanikoFailureKind.PushRefused, "a registry refused access (401/403)" },
        { 137, [], KanikoFailureKind.OutOfMemory, "exit code 137" },
        // Was ExecutorFailed: a missing image is now classified as what it is (issue 13 §2).
        { 1, ["error building image: MANIFEST_UNKNOWN: manifest unknown"], KanikoFailureKind.ImageNotFound, "kaniko exited with code 1" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_non_zero_exit_is_one_clear_failure_and_leaves_nothing_behind(int exitCode, string[] lines, KanikoFailureKind kind, string message)
    {
        await RecorderImage.EnsureAsync();
        _scenario.ExitWith(exitCode);
        _scenario.PrintFirst(lines);

        var failure = await Assert.ThrowsAsync<KanikoFailure>(() => Runner().RunAsync(_scenario.Request(), CancellationToken.None));

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(exitCode, failure.ExitCode);
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(_scenario.Tools.Combine("out", "scan.json")), "the mounted folder keeps what the failed build wrote");
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Cancellation_kills_and_removes_the_container_and_its_volumes()
    {
        await RecorderImage.EnsureAsync();
        _scenario.Hang();
        using var cts = new CancellationTokenSource();
        var run = Runner().RunAsync(_scenario.Request(), cts.Token);
        await _log.WaitForAsync("recorder: hanging");

        var container = Assert.Single(await OurContainersAsync());
        using var client = DockerEngine.CreateClient();
        var volumes = (await client.Containers.InspectContainerAsync(container.ID)).Mounts.Where(m => m.Type == "volume").Select(m => m.Name).ToList();
        Assert.NotEmpty(volumes); // the image's VOLUME /busybox, as in the debug image
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await AssertNothingLeftAsync();
        foreach (var volume in volumes)
            await Assert.ThrowsAsync<DockerApiException>(() => client.Volumes.InspectAsync(volume));
    }

    [Fact]
    public async Task An_unreachable_engine_is_reported_with_its_address()
    {
        // A socket file nobody listens on, as DOCKER_HOST may point to when the daemon is down.
        var socketPath = Path.GetFullPath(_scenario.Work.Path + ".sock");
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        try
        {
            var endpoint = DockerEndpoint.Resolve(name => name == "DOCKER_HOST" ? "unix://" + socketPath : null);
            var failure = await Assert.ThrowsAsync<KanikoFailure>(() => Runner(Options(endpoint: endpoint)).RunAsync(_scenario.Request(), CancellationToken.None));

            Assert.Equal(KanikoFailureKind.EngineUnreachable, failure.Kind);
            Assert.Contains($"The Docker engine at unix://{socketPath} is not reachable", failure.Message, StringComparison.Ordinal);
            Assert.Contains("check that Docker is running", failure.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(_scenario.Work.Path));
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    [Fact]
    public async Task A_container_the_engine_refuses_to_run_is_one_clear_failure()
    {
        await RecorderImage.EnsureAsync();
        var options = Options() with { NetworkMode = "kanikobuild-no-such-network" };

        var failure = await Assert.ThrowsAsync<KanikoFailure>(() => Runner(options).RunAsync(_scenario.Request(), CancellationToken.None));

        Assert.Equal(KanikoFailureKind.ExecutorFailed, failure.Kind);
        Assert.Contains("The Docker engine refused to run the kaniko container", failure.Message, StringComparison.Ordinal);
        Assert.Contains("kanikobuild-no-such-network", failure.Message, StringComparison.Ordinal);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_missing_image_that_cannot_be_pulled_is_reported_with_its_name()
    {
        await DockerEngine.RequireAsync();
        // A registry address where nothing listens: the pull fails at once, with no internet needed.
        var image = $"127.0.0.1:{FreePort.Next()}/kanikobuild-test/no-such-executor:debug";

        var failure = await Assert.ThrowsAsync<KanikoFailure>(() => Runner(Options(image)).RunAsync(_scenario.Request(), CancellationToken.None));

        Assert.Equal(KanikoFailureKind.ImageUnavailable, failure.Kind);
        Assert.Contains($"The kaniko executor image {image} is not in the Docker engine and could not be pulled", failure.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", failure.Message, StringComparison.OrdinalIgnoreCase);
        Scenario.AssertNoCredential([failure.Message], "the failure");
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_missing_image_pinned_by_digest_is_pulled_before_the_run()
    {
        await RecorderImage.EnsureAsync();
        await using var registry = await Testing.Registry.StartAsync();
        var repository = $"{registry.Host}/kanikobuild-test/recorder-{_testId[..8]}";
        await Shell.RunCheckedAsync(DockerEngine.Cli, ["tag", RecorderImage.Name, repository + ":v1"]);
        var pushed = await Shell.RunCheckedAsync(DockerEngine.Cli, ["push", repository + ":v1"]);
        var digest = System.Text.RegularExpressions.Regex.Match(pushed, "digest: (sha256:[0-9a-f]{64})").Groups[1].Value;
        Assert.NotEmpty(digest);
        var pinned = $"{repository}:v1@{digest}";
        await Shell.RunAsync(DockerEngine.Cli, ["rmi", repository + ":v1", $"{repository}@{digest}"]);
        Assert.NotEqual(0, (await Shell.RunAsync(DockerEngine.Cli, ["image", "inspect", pinned])).ExitCode);
        try
        {
            var result = await Runner(Options(pinned)).RunAsync(_scenario.Request(), CancellationToken.None);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains(_log.Texts, t => t.Contains("pulling the executor image", StringComparison.Ordinal));
            Assert.Equal(0, (await Shell.RunAsync(DockerEngine.Cli, ["image", "inspect", pinned])).ExitCode);
            await AssertNothingLeftAsync();
        }
        finally
        {
            await Shell.RunAsync(DockerEngine.Cli, ["rmi", $"{repository}@{digest}"]);
        }
    }

    [Fact]
    public async Task A_bare_build_arg_takes_this_processs_value_but_never_a_secret()
    {
        await RecorderImage.EnsureAsync();
        var plain = "KANIKOBUILD_TEST_PLAIN_" + _testId;
        var secret = "KANIKOBUILD_TEST_SECRET_" + _testId;
        Environment.SetEnvironmentVariable(plain, "plain-value");
        Environment.SetEnvironmentVariable(secret, Scenario.Password);
        try
        {
            await Runner().RunAsync(_scenario.Request() with { BuildArgs = [plain] }, CancellationToken.None);
            Assert.Contains($"{plain}=plain-value", _scenario.RecordedEnv);
            Assert.Contains($"--build-arg={plain}", _scenario.RecordedArgs);

            var refused = await Assert.ThrowsAsync<PipelineException>(() => Runner().RunAsync(_scenario.Request() with { BuildArgs = [secret] }, CancellationToken.None));
            Assert.Contains($"The build argument {secret} holds a secret", refused.Message, StringComparison.Ordinal);
            await AssertNothingLeftAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable(plain, null);
            Environment.SetEnvironmentVariable(secret, null);
        }
    }
}
