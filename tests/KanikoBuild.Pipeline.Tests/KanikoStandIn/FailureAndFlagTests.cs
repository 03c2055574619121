using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>Exit codes and messages of the stand-in, as kaniko's root.go and executor report them.</summary>
[Collection(StandInCollection.Name)]
public sealed class FailureAndFlagTests(StandInFixture fixture)
{
    [Fact]
    public async Task FailingRun_ExitsWithItsExitCode_AndPushesNothing()
    {
        using var context = new TempDirectory();
        context.Write("Dockerfile", $"""
            FROM {fixture.BaseImage}
            RUN echo before > /before.txt
            RUN echo failing step; exit 3
            """);
        var destination = $"{fixture.Registry.Host}/failing:1";

        var run = await fixture.RunAsync(context.Path, ["--destination", destination, "--cache", "--no-push-cache"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("error building image: error building stage: failed to execute command: waiting for process to exit: exit status 3", run.Output);
        Assert.False(await fixture.ExistsAsync(destination));
    }

    [Fact]
    public async Task MissingBaseImage_ExitsWithOne_AndSaysManifestUnknown()
    {
        using var context = new TempDirectory();
        context.Write("Dockerfile", $"FROM {fixture.Registry.Host}/no-such-image:1\nRUN true\n");

        var run = await fixture.RunAsync(context.Path, ["--no-push"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("MANIFEST_UNKNOWN", run.Output);
    }

    [Fact]
    public async Task UnreachableDestination_FailsThePushPermissionCheckBeforeBuilding()
    {
        using var context = new TempDirectory();
        context.Write("Dockerfile", $"FROM {fixture.BaseImage}\nRUN echo should-not-run\n");

        var run = await fixture.RunAsync(context.Path, ["--destination", $"127.0.0.1:{FreePort.Next()}/app:1"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly", run.Output);
        Assert.DoesNotContain("should-not-run", run.Output.Replace("RUN echo should-not-run", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--no-such-flag", "Error: unknown flag: --no-such-flag")]
    [InlineData("--dockerfile=Dockerfile", "you must provide --destination, or use --no-push")]
    [InlineData("--no-push --image-name-with-digest-file=/kaniko/name", "you must provide --destination if setting ImageNameDigestFile")]
    [InlineData("--no-push --context=s3://bucket/context.tar.gz", "context scheme \"s3\" (s3://bucket/context.tar.gz) is not supported by the stand-in")]
    [InlineData("--no-push --custom-platform=linux/arm64", "builds linux/amd64 only")]
    [InlineData("--no-push --secret=id=x,src=/nonexistent", "secret x: reading /nonexistent")]
    [InlineData("--destination=127.0.0.1:5000/a", "getting tag for destination: repository must be between 2 and 255 characters in length: a")]
    [InlineData("--no-push --image-name-tag-with-digest-file=/kaniko/tags", "you must provide --destination if setting ImageNameTagDigestFile")]
    public async Task BadInvocation_ExitsWithOne_AndSaysWhy(string arguments, string message)
    {
        using var context = new TempDirectory();
        context.Write("Dockerfile", $"FROM {fixture.BaseImage}\n");

        var run = await fixture.RunAsync(context.Path, arguments.Split(' '));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(message, run.Output);
    }

    [Fact]
    public async Task NonRootExecutor_FailsCopyingTheDockerfile_BeforeAnythingElse()
    {
        using var context = new TempDirectory();
        var dockerfile = context.Write("Dockerfile", $"FROM {fixture.BaseImage}\nRUN echo ran-$((6*7))\n");
        // Readable for the non-root executor, so that what fails is what fails in kaniko: keeping the copy's owner.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(context.Path, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(dockerfile, (UnixFileMode)0b110_100_100);
        }

        var run = await fixture.RunAsync(context.Path, ["--no-push"], dockerOptions: ["--user", "65534"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Error: error resolving dockerfile path: copying dockerfile: chown /kaniko/Dockerfile: operation not permitted", run.Output);
        Assert.DoesNotContain("ran-42", run.Output);
    }

    [Fact]
    public async Task OutsideAContainer_RefusesToRun_WithKanikosMessage()
    {
        using var context = new TempDirectory();
        // kaniko resolves the context and the Dockerfile (PersistentPreRunE) before it checks for a container (Run).
        context.Write("Dockerfile", "FROM scratch\n");

        var run = await fixture.RunAsync(context.Path, ["-c", "rm -f /.dockerenv && unset container && exec /kaniko/executor --no-push"], entrypoint: "/busybox/sh",
            dockerOptions: ["--cgroupns", "private"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("kaniko should only be run inside of a container, run with the --force flag if you are sure you want to continue", run.Output);
    }
}
