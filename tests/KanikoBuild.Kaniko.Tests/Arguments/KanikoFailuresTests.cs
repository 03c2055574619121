namespace KanikoBuild.Kaniko.Tests.Arguments;

/// <summary>How an exit code and the executor's output become one sentence. The lines are kaniko's own wording (kaniko.md §1.5, §7).</summary>
public sealed class KanikoFailuresTests
{
    static KanikoFailure Fail(int code, params string[] lines)
    {
        var output = new KanikoOutput();
        foreach (var line in lines)
            output.Observe(line);
        return KanikoFailures.FromExit(code, output, "test");
    }

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
    public void Another_exit_quotes_kanikos_last_error()
    {
        var failure = Fail(1, "INFO[0000] Retrieving image manifest 127.0.0.1:5000/base:1", "error building image: GET http://127.0.0.1:5000/v2/base/manifests/1: MANIFEST_UNKNOWN: manifest unknown");
        Assert.Equal(KanikoFailureKind.ExecutorFailed, failure.Kind);
        Assert.Contains("kaniko exited with code 1", failure.Message, StringComparison.Ordinal);
        Assert.Contains("MANIFEST_UNKNOWN", failure.Message, StringComparison.Ordinal);
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
    public void The_factory_parses_and_resolves_the_runner_kind()
    {
        Assert.Equal(KanikoRunnerKind.Auto, KanikoRunnerFactory.ParseKind(null));
        Assert.Equal(KanikoRunnerKind.Docker, KanikoRunnerFactory.ParseKind("Docker"));
        Assert.Equal(KanikoRunnerKind.Local, KanikoRunnerFactory.ParseKind("local"));
        Assert.Contains("--kaniko-runner 'k8s'", Assert.Throws<PipelineException>(() => KanikoRunnerFactory.ParseKind("k8s")).Message, StringComparison.Ordinal);
        Assert.Equal(KanikoRunnerKind.Docker, KanikoRunnerFactory.Resolve(KanikoRunnerKind.Auto, "/nonexistent/executor"));
        Assert.Equal(KanikoRunnerKind.Local, KanikoRunnerFactory.Resolve(KanikoRunnerKind.Auto, RecorderImage.ScriptPath));
        Assert.IsType<LocalKanikoRunner>(KanikoRunnerFactory.Create("auto", null, null, RecorderImage.ScriptPath));
        Assert.IsType<DockerKanikoRunner>(KanikoRunnerFactory.Create("auto", null, "host", "/nonexistent/executor"));
    }
}
