namespace KanikoBuild.Kaniko.Tests.Arguments;

/// <summary>How an exit code and the executor's output become one sentence. The lines are kaniko's own wording (kaniko.md §1.5, §7).</summary>
public sealed class KanikoFailuresTests
{
    static KanikoFailure Fail(int code, params string[] lines) => FailOn(null, code, lines);

    static KanikoFailure FailOn(ExecutorNetwork? network, int code, params string[] lines)
    {
        var output = new KanikoOutput();
        foreach (var line in lines)
            output.Observe(line);
        return KanikoFailures.FromExit(code, output, "test", network);
    }

    const string PushCheck = "error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly, and try again: ";

    [Fact]
    public void A_failing_RUN_names_the_step_and_its_code()
    {
        var failure = Fail(3,
            "INFO[0000] RUN echo preparing",
            "INFO[0001] RUN ./run-tests.sh --fast",
            "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 3");
        Assert.Equal(KanikoFailureKind.BuildStepFailed, failure.Kind);
        Assert.Equal("RUN ./run-tests.sh --fast", failure.FailedStep);
        Assert.Equal(3, failure.ExitCode);
        Assert.Equal("The Dockerfile step 'RUN ./run-tests.sh --fast' failed with exit code 3; its output is above.", failure.Message);
    }

    [Theory]
    [InlineData("\u001b[36mINFO\u001b[0m[0002] RUN make test")]
    [InlineData("INFO[2026-11-28T01:00:00Z] RUN make test")]
    [InlineData("time=\"2026-11-28T01:00:00Z\" level=info msg=\"RUN make test\"")]
    public void The_step_is_found_in_every_kaniko_log_format(string line)
    {
        var failure = Fail(2, line, "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 2");
        Assert.Equal("RUN make test", failure.FailedStep);
    }

    [Theory]
    [InlineData("error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly, and try again: checking push permission for \"127.0.0.1:5000/app\": POST http://127.0.0.1:5000/v2/app/blobs/uploads/: UNAUTHORIZED: authentication required")]
    [InlineData("error pushing image: failed to push to destination r.example.com/app:1: PUT https://r.example.com/v2/app/manifests/1: DENIED: requested access to the resource is denied")]
    [InlineData("GET https://r.example.com/v2/: unexpected status code 401 Unauthorized")]
    public void A_refused_push_says_to_check_credentials(string line)
    {
        var failure = Fail(1, line);
        Assert.Equal(KanikoFailureKind.PushRefused, failure.Kind);
        Assert.Contains("refused access (401/403); check the registry credentials", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_RUN_step_denied_something_is_still_a_step_failure()
    {
        var failure = Fail(126, "INFO[0001] RUN ./deploy.sh", "/bin/sh: ./deploy.sh: Permission denied", "curl: (22) The requested URL returned error: 401 Unauthorized",
            "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 126");
        Assert.Equal(KanikoFailureKind.BuildStepFailed, failure.Kind);
        Assert.Equal("RUN ./deploy.sh", failure.FailedStep);
    }

    [Fact]
    public void Exit_137_suggests_memory()
    {
        var failure = Fail(137, "INFO[0003] Taking snapshot of full filesystem...");
        Assert.Equal(KanikoFailureKind.OutOfMemory, failure.Kind);
        Assert.Contains("--compressed-caching=false", failure.Message, StringComparison.Ordinal);
        Assert.Contains("more memory", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_base_image_names_the_image()
    {
        // Was ExecutorFailed: a missing image is now classified as what it is (issue 13 §2).
        var failure = Fail(1, "INFO[0000] Retrieving image manifest 127.0.0.1:5000/base:1", "error building image: GET http://127.0.0.1:5000/v2/base/manifests/1: MANIFEST_UNKNOWN: manifest unknown; unknown tag=1");
        Assert.Equal(KanikoFailureKind.ImageNotFound, failure.Kind);
        Assert.Contains("kaniko exited with code 1", failure.Message, StringComparison.Ordinal);
        Assert.Contains("MANIFEST_UNKNOWN", failure.Message, StringComparison.Ordinal);
        Assert.Contains("the image 127.0.0.1:5000/base:1 does not exist", failure.Message, StringComparison.Ordinal);
        Assert.Contains("FROM line", failure.Message, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1:5000", failure.Registry);
    }

    [Fact]
    public void Another_exit_quotes_kanikos_last_error()
    {
        var failure = Fail(2, "error building image: parsing dockerfile: unknown instruction: FORM");
        Assert.Equal(KanikoFailureKind.ExecutorFailed, failure.Kind);
        Assert.Contains("kaniko exited with code 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains("unknown instruction: FORM", failure.Message, StringComparison.Ordinal);
    }

    // kaniko's exit lines as kaniko and go-containerregistry word them (root.go, remote/check.go, transport/ping.go, Go's net errors).
    public static TheoryData<string, KanikoFailureKind, string, string> RegistryFailures => new()
    {
        { PushCheck + "checking push permission for \"127.0.0.1:9/dev/app:1\": creating push check transport for 127.0.0.1:9 failed: Get \"https://127.0.0.1:9/v2/\": dial tcp 127.0.0.1:9: connect: connection refused; Get \"http://127.0.0.1:9/v2/\": dial tcp 127.0.0.1:9: connect: connection refused",
            KanikoFailureKind.RegistryUnreachable, "127.0.0.1:9", "could not connect to the registry 127.0.0.1:9 while checking that it may push (connect: connection refused)" },
        { PushCheck + "checking push permission for \"registry.gitlab.com/group/app:main\": creating push check transport for registry.gitlab.com failed: Get \"https://registry.gitlab.com/v2/\": dial tcp 35.227.35.254:443: i/o timeout",
            KanikoFailureKind.RegistryUnreachable, "registry.gitlab.com", "(i/o timeout)" },
        { "error pushing image: failed to push to destination r.example.com/app:1: Patch \"https://r.example.com/v2/app/blobs/uploads/0f3c\": write tcp 10.0.0.5:3456->10.1.1.1:443: write: connection reset by peer",
            KanikoFailureKind.RegistryUnreachable, "r.example.com", "while pushing the image" },
        { PushCheck + "checking push permission for \"harbor.local:80/easyapp/easyapp:test\": creating push check transport for harbor.local:80 failed: Get \"https://harbor.local:80/v2/\": dial tcp: lookup harbor.local on 127.0.0.11:53: server misbehaving; Get \"http://harbor.local:80/v2/\": dial tcp: lookup harbor.local on 127.0.0.11:53: server misbehaving",
            KanikoFailureKind.RegistryDns, "harbor.local", "the registry host harbor.local does not resolve" },
        { "error building image: Get \"https://registry.example.invalid/v2/\": dial tcp: lookup registry.example.invalid: no such host",
            KanikoFailureKind.RegistryDns, "registry.example.invalid", "(no such host)" },
        { "error checking push permissions: creating push check transport for harbor.devops.cicd.test failed: Get \"https://harbor.devops.cicd.test/v2/\": tls: failed to verify certificate: x509: certificate signed by unknown authority",
            KanikoFailureKind.RegistryTls, "harbor.devops.cicd.test", "--registry-certificate harbor.devops.cicd.test=" },
        { "error building image: Get \"https://registry.internal:5000/v2/\": http: server gave HTTP response to HTTPS client",
            KanikoFailureKind.RegistryTls, "registry.internal:5000", "--insecure-registry registry.internal:5000" },
        { PushCheck + "checking push permission for \"us.icr.io/team/web:0.6.1\": creating push check transport for us.icr.io failed: unsupported status code 401",
            KanikoFailureKind.PushRefused, "us.icr.io", "check the registry credentials given for us.icr.io" },
        { "error building image: GET https://r.example.com/v2/team/nosuch/manifests/latest: NAME_UNKNOWN: repository name not known to registry",
            KanikoFailureKind.ImageNotFound, "r.example.com", "the image r.example.com/team/nosuch:latest does not exist" },
    };

    [Theory]
    [MemberData(nameof(RegistryFailures))]
    public void A_registry_failure_is_classified_from_kaniko_s_exit_line_and_names_the_registry(string line, KanikoFailureKind kind, string registry, string message)
    {
        var failure = FailOn(ExecutorNetwork.Docker("host"), 1, "INFO[0000] Retrieving image manifest busybox:1.36", line);

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(registry, failure.Registry);
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("kaniko exited with code 1: ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
        if (kind != KanikoFailureKind.PushRefused)
            Assert.DoesNotContain("credentials", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loopback_registry_the_container_cannot_see_says_to_pass_kaniko_network_host()
    {
        string[] lines = [PushCheck + "checking push permission for \"127.0.0.1:5000/dev/app:1\": GET https://127.0.0.1:5000/v2/: Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused"];

        var isolated = FailOn(ExecutorNetwork.Docker(null), 1, lines);
        var shared = FailOn(ExecutorNetwork.Docker("host"), 1, lines);
        var local = FailOn(ExecutorNetwork.SameHost, 1, lines);
        var ipv6 = FailOn(ExecutorNetwork.Docker("bridge"), 1, "error building image: Get \"https://[::1]:5000/v2/\": dial tcp [::1]:5000: connect: connection refused");

        Assert.Equal(KanikoFailureKind.RegistryUnreachable, isolated.Kind);
        Assert.Contains("pass --kaniko-network host", isolated.Message, StringComparison.Ordinal);
        Assert.Contains("Docker's default network", isolated.Message, StringComparison.Ordinal);
        Assert.Contains("pass --kaniko-network host", ipv6.Message, StringComparison.Ordinal);
        Assert.Contains("--kaniko-network bridge", ipv6.Message, StringComparison.Ordinal);
        // Sharing this machine's network, a refused loopback connection means nothing listens there.
        Assert.DoesNotContain("--kaniko-network host to reach", shared.Message, StringComparison.Ordinal);
        Assert.Contains("Check that the registry runs", shared.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--kaniko-network", local.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_remote_registry_that_times_out_gets_no_loopback_hint()
    {
        var failure = FailOn(ExecutorNetwork.Docker(null), 1,
            PushCheck + "checking push permission for \"registry.gitlab.com/g/app:1\": creating push check transport for registry.gitlab.com failed: Get \"https://registry.gitlab.com/v2/\": dial tcp 35.227.35.254:443: i/o timeout");
        Assert.Equal(KanikoFailureKind.RegistryUnreachable, failure.Kind);
        Assert.DoesNotContain("--kaniko-network", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_warning_before_the_exit_line_is_not_the_cause()
    {
        // kaniko warns and goes on when the cache repository is down; it exits on the missing base image.
        var failure = Fail(1,
            "WARN[0000] Error while retrieving image from cache: 127.0.0.1:5000/cache:3f2a GET http://127.0.0.1:5000/v2/cache/manifests/3f2a: dial tcp 127.0.0.1:5000: connect: connection refused",
            "INFO[0000] Retrieving image manifest 127.0.0.1:5001/base:1",
            "error building image: GET http://127.0.0.1:5001/v2/base/manifests/1: MANIFEST_UNKNOWN: manifest unknown; unknown tag=1");
        Assert.Equal(KanikoFailureKind.ImageNotFound, failure.Kind);
        Assert.Equal("127.0.0.1:5001", failure.Registry);
    }

    [Fact]
    public void A_pull_refused_by_Docker_Hub_mentions_that_a_missing_repository_looks_the_same()
    {
        var failure = Fail(1, "INFO[0000] Retrieving image manifest nosuch:latest",
            "error building image: GET https://index.docker.io/v2/library/nosuch/manifests/latest: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:library/nosuch Type:repository]]");
        Assert.Equal(KanikoFailureKind.PushRefused, failure.Kind);
        Assert.Equal("index.docker.io", failure.Registry);
        Assert.Contains("while pulling nosuch:latest", failure.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist, too", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_RUN_step_that_cannot_connect_is_the_step_s_failure()
    {
        var failure = FailOn(ExecutorNetwork.Docker(null), 7, "INFO[0001] RUN curl -f http://127.0.0.1:8080/health",
            "curl: (7) Failed to connect to 127.0.0.1 port 8080: Connection refused",
            "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 7");
        Assert.Equal(KanikoFailureKind.BuildStepFailed, failure.Kind);
        Assert.Equal("RUN curl -f http://127.0.0.1:8080/health", failure.FailedStep);
    }

    [Fact]
    public void Kept_output_is_masked()
    {
        Secrets.Register("leaked-into-output-123");
        var failure = Fail(1, "error: token leaked-into-output-123 rejected");
        Assert.DoesNotContain("leaked-into-output-123", failure.Message, StringComparison.Ordinal);
        Assert.All(failure.OutputTail, l => Assert.DoesNotContain("leaked-into-output-123", l, StringComparison.Ordinal));
    }

    [Fact]
    public void The_options_resolve_the_runner_kind()
    {
        // --kaniko-runner is an enum the engine converts (its error names the switch: Engine.Tests); the default is Auto.
        Assert.Equal(KanikoRunnerKind.Auto, new KanikoOptions().Runner);
        Assert.Equal(KanikoRunnerKind.Docker, KanikoRunnerFactory.Resolve(KanikoRunnerKind.Auto, "/nonexistent/executor"));
        Assert.Equal(KanikoRunnerKind.Local, KanikoRunnerFactory.Resolve(KanikoRunnerKind.Auto, RecorderImage.ScriptPath));
        Assert.IsType<LocalKanikoRunner>(new KanikoOptions { Executor = RecorderImage.ScriptPath }.CreateRunner());
        Assert.IsType<DockerKanikoRunner>(new KanikoOptions { Network = "host", Executor = "/nonexistent/executor" }.CreateRunner());
        Assert.Equal("host", new KanikoOptions { Network = " host " }.DockerRunner.NetworkMode);
        Assert.Equal(DockerKanikoRunnerOptions.DefaultImage, new KanikoOptions().DockerRunner.Image);
    }
}
