using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>Doctor through the build's command line: every line true, against the real engine, registries and the simulator.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class DoctorEndToEndTests(PipelineWorld world)
{
    static string Line(BuildRun run, string name) =>
        run.Output.Split('\n').FirstOrDefault(l => l.Contains($" {name,-18} ", StringComparison.Ordinal) && l.Contains('[', StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no Doctor line for {name}:\n{run}");

    [Fact]
    public async Task With_every_peer_usable_every_line_is_ok()
    {
        // The world's root is a checkout of its own: give it the package list Doctor reads.
        world.Root.Write(".ci/packages", await File.ReadAllTextAsync(RepositoryRoot.Combine(".ci", "packages")));
        var run = await world.RunAsync("Doctor", "--kaniko-runner", "docker", "--kaniko-image", world.KanikoImage,
            "--dev-registry", $"{world.Dev.Host}/dev", "--prod-registry", $"{world.Prod.Host}/prod", "--image", "samples/app", "--tag", "doctor",
            "--console-url", world.Console.ConsoleUrl.ToString().TrimEnd('/'), "--console-user", PipelineWorld.ConsoleUser);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[ok]", Line(run, "Docker engine"));
        Assert.Contains($"{world.KanikoImage} is present", Line(run, "kaniko image"));
        Assert.Contains("the login may read dev/samples/app", Line(run, "dev registry"));
        Assert.Contains("[ok]", Line(run, "prod registry"));
        Assert.Contains("authenticates", Line(run, "Console"));
        Assert.Contains("may read registry scan results", Line(run, "Console role"));
        Assert.Contains("downloadable from the Console", Line(run, "twistcli"));
        // The machine running these tests has every test peer (Peer.Require would have failed the world otherwise).
        Assert.Contains("[ok]", Line(run, "test peers"));
        Assert.Contains("docker-registry", Line(run, "test peers"));
        Assert.Contains("htpasswd", Line(run, "test peers"));
    }

    [Fact]
    public async Task An_image_that_cannot_be_pulled_a_name_that_does_not_resolve_and_a_closed_Console_port_each_fail_naming_the_cause()
    {
        var image = $"127.0.0.1:{FreePort.Next()}/kanikobuild-test/no-such-executor:debug";
        var console = $"http://127.0.0.1:{FreePort.Next()}";

        var run = await world.RunAsync("Doctor", "--kaniko-runner", "docker", "--kaniko-image", image,
            "--dev-registry", $"{world.Dev.Host}/dev", "--prod-registry", "no-such-registry.kanikobuild.invalid/prod", "--image", "samples/app",
            "--console-url", console, "--console-user", PipelineWorld.ConsoleUser);

        Assert.NotEqual(0, run.ExitCode);
        var kaniko = Line(run, "kaniko image");
        Assert.Contains("[FAIL]", kaniko);
        Assert.Contains("could not be pulled", kaniko);
        Assert.Contains("cannot be reached", kaniko);
        Assert.Contains("[ok]", Line(run, "dev registry"));
        var prod = Line(run, "prod registry");
        Assert.Contains("[FAIL]", prod);
        Assert.Contains("DNS: the host name does not resolve", prod);
        Assert.DoesNotContain("--insecure-registry", prod);
        var consoleLine = Line(run, "Console");
        Assert.Contains("[FAIL]", consoleLine);
        Assert.Contains("connection refused", consoleLine);
        Assert.Contains("not downloadable", Line(run, "twistcli"));
        Assert.Contains("4 check(s) failed", run.Output);
    }
}
