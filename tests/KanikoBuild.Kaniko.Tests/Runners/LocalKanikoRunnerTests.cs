using KanikoBuild.Testing;

namespace KanikoBuild.Kaniko.Tests.Runners;

/// <summary>
/// The local runner with the same recording stand-in run as a process. Its <c>/kaniko</c> is a temporary folder
/// (<see cref="LocalKanikoRunnerOptions.KanikoRoot"/>) holding the script as <c>executor</c>, so the recording
/// (at <c>/kaniko/recording</c>) lands in <c>root/recording</c> and is copied back out. See <see cref="RecorderImage"/>
/// for what the stand-in does not prove.
/// </summary>
public sealed class LocalKanikoRunnerTests : IDisposable
{
    readonly Scenario _scenario = new();
    readonly TempDirectory _root = new("kanikobuild-kaniko-root-");
    readonly LogCapture _log = new();

    public LocalKanikoRunnerTests()
    {
        RecorderImage.InstallScript(_root.Combine("executor"));
    }

    public void Dispose()
    {
        _scenario.Dispose();
        _root.Dispose();
    }

    LocalKanikoRunner Runner() => new(new LocalKanikoRunnerOptions { ExecutorPath = _root.Combine("executor"), KanikoRoot = _root.Path }, _log.Logger);

    /// <summary>After any run, the kaniko root holds the executor and nothing else: mounts and the run folder are gone.</summary>
    void AssertNothingLeft() =>
        Assert.Equal(["executor"], Directory.EnumerateFileSystemEntries(_root.Path).Select(Path.GetFileName));

    [Fact]
    public async Task Runs_the_executor_with_the_requests_arguments_a_private_DOCKER_CONFIG_and_the_mounts_copied_in_and_back()
    {
        var request = _scenario.Request() with
        {
            TarPath = _scenario.Outputs.Combine("image.tar"),
            OciLayoutPath = _scenario.Outputs.Combine("layout"),
            ImageNameWithDigestFile = _scenario.Outputs.Combine("names"),
        };

        var result = await Runner().RunAsync(request, CancellationToken.None);

        Assert.Equal("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", result.Digest);
        Assert.Equal(["127.0.0.1:5999/team/app@" + result.Digest, "127.0.0.1:5999/team/app@" + result.Digest], result.ImageNamesWithDigest);

        // Everything the executor was given lives under its /kaniko, in one private run folder.
        var args = _scenario.RecordedArgs;
        var digestFile = Assert.Single(args, a => a.StartsWith("--digest-file=", StringComparison.Ordinal))["--digest-file=".Length..];
        var runFolder = Path.GetDirectoryName(Path.GetDirectoryName(digestFile))!;
        Assert.Equal(_root.Path, Path.GetDirectoryName(runFolder));
        Assert.StartsWith("kanikobuild-run-", Path.GetFileName(runFolder), StringComparison.Ordinal);
        Assert.Equal(KanikoArguments.From(request, new KanikoPaths(_scenario.Context.Path, Path.Combine(runFolder, "output"), Path.Combine(runFolder, "secrets"))), args);
        Assert.Contains($"--context=dir://{_scenario.Context.Path}", args);

        Assert.Contains($"DOCKER_CONFIG={Path.Combine(runFolder, "docker")}/", _scenario.RecordedEnv);
        Assert.Equal($"{Scenario.Username}:{Scenario.Password}", _scenario.RecordedLogin("127.0.0.1:5999"));
        Assert.Equal("600", _scenario.Recorded("config-mode"));
        Assert.Equal("700", _scenario.Recorded("config-dir-mode"));
        Assert.Equal(Scenario.SecretContent, _scenario.Recorded("secret-npmrc"));
        Assert.Equal("executable", _scenario.Recorded("tools-twistcli"));
        Assert.Equal(["out", "secrets", "twistcli"], _scenario.Recorded("tools").Split('\n').Order(StringComparer.Ordinal));
        Assert.True(File.Exists(_scenario.Tools.Combine("out", "scan.json")), "a writable mount is copied back");
        Scenario.AssertNoCredential(args, "the command line");

        Assert.Equal("stand-in tarball", File.ReadAllText(request.TarPath!).Trim());
        Assert.True(File.Exists(Path.Combine(request.OciLayoutPath!, "index.json")));
        Assert.Equal(result.ImageNamesWithDigest, File.ReadAllLines(request.ImageNameWithDigestFile!));
        Scenario.AssertNoCredential(_log.Texts, "the log");
        AssertNothingLeft();
    }

    [Fact]
    public async Task Output_is_streamed_line_by_line_while_the_executor_runs()
    {
        _scenario.AwaitAck();
        var run = Runner().RunAsync(_scenario.Request(), CancellationToken.None);

        // As for the Docker runner: the stand-in waits for an ack that the test writes only after the line was logged.
        await _log.WaitForAsync("recorder: waiting for ack");
        var beforeExit = _log.ArrivalOf("recorder: slow line 1");
        File.WriteAllText(_root.Combine("recording", "ack"), "");
        await run;

        Assert.NotNull(beforeExit);
        Assert.True(beforeExit < _log.ArrivalOf("recorder: got ack"));
        Assert.True(beforeExit < _log.ArrivalOf("kaniko: exit code"));
        Assert.Contains(_log.Texts, t => t.Contains("recorder: a line on stderr", StringComparison.Ordinal));
        AssertNothingLeft();
    }

    [Theory]
    [InlineData(3, "INFO[0001] RUN ./run-tests.sh|error building image: error building stage: failed to execute command: waiting for process to exit: exit status 3", KanikoFailureKind.BuildStepFailed, "The Dockerfile step 'RUN ./run-tests.sh' failed with exit code 3")]
    [InlineData(1, "error pushing image: PUT http://127.0.0.1:5999/v2/team/app/manifests/1.0: DENIED: requested access to the resource is denied", KanikoFailureKind.PushRefused, "a registry refused access (401/403)")]
    [InlineData(137, "", KanikoFailureKind.OutOfMemory, "--compressed-caching=false")]
    [InlineData(2, "error building image: parsing dockerfile: unknown instruction: FORM", KanikoFailureKind.ExecutorFailed, "kaniko exited with code 2")]
    public async Task A_non_zero_exit_is_one_clear_failure_and_the_mounts_still_come_back(int exitCode, string lines, KanikoFailureKind kind, string message)
    {
        _scenario.ExitWith(exitCode);
        _scenario.PrintFirst(lines.Split('|', StringSplitOptions.RemoveEmptyEntries));

        var failure = await Assert.ThrowsAsync<KanikoFailure>(() => Runner().RunAsync(_scenario.Request(), CancellationToken.None));

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(exitCode, failure.ExitCode);
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(_scenario.Tools.Combine("out", "scan.json")), "what a failed build wrote under a mount is copied back");
        AssertNothingLeft();
    }

    [Fact]
    public async Task Cancellation_kills_the_executor_and_cleans_up()
    {
        _scenario.Hang();
        using var cts = new CancellationTokenSource();
        var run = Runner().RunAsync(_scenario.Request(), cts.Token);
        await _log.WaitForAsync("recorder: hanging");
        var pid = int.Parse(File.ReadAllText(_root.Combine("recording", "pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        // A kill is delivered asynchronously; wait (bounded) for the process to be gone, then check.
        for (var i = 0; i < 100 && IsAlive(pid); i++)
            await Task.Delay(50);
        Assert.False(IsAlive(pid), $"the executor (pid {pid}) still runs after cancellation");
        AssertNothingLeft();
    }

    static bool IsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal);

    [Fact]
    public async Task A_missing_executor_is_reported()
    {
        var runner = new LocalKanikoRunner(new LocalKanikoRunnerOptions { ExecutorPath = _root.Combine("no-executor"), KanikoRoot = _root.Path }, _log.Logger);
        var failure = await Assert.ThrowsAsync<KanikoFailure>(() => runner.RunAsync(_scenario.Request(), CancellationToken.None));
        Assert.Equal(KanikoFailureKind.ExecutorMissing, failure.Kind);
        Assert.Contains("use --kaniko-runner docker", failure.Message, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_mount_never_overwrites_what_the_kaniko_image_already_has()
    {
        var existing = _root.Write("kanikobuild/keep-me", "from the image");
        var failure = await Assert.ThrowsAsync<PipelineException>(() => Runner().RunAsync(_scenario.Request(), CancellationToken.None));
        Assert.Contains("/kaniko/kanikobuild already exists", failure.Message, StringComparison.Ordinal);
        Assert.Equal("from the image", File.ReadAllText(existing));
        Assert.False(Directory.Exists(_root.Combine("recording")), "a mount placed before the failure is removed again");
    }
}
