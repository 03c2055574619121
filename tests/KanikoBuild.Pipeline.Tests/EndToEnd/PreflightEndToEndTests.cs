using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// Every input that can be checked without building is checked before the first kaniko container starts: through
/// the build's own command line, one wrong input at a time, each error naming its switch, and the Docker engine's
/// event stream showing that no container was created from the kaniko image. A control run whose inputs are right
/// but whose dev registry is down does start the container, and fails with kaniko's real cause.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PreflightEndToEndTests(PipelineWorld world)
{
    /// <summary>The sample arguments with <paramref name="changes"/> applied: a value replaces the switch's, null drops it.</summary>
    internal static string[] With(string[] arguments, params (string Switch, string? Value)[] changes)
    {
        var list = arguments.ToList();
        foreach (var (name, value) in changes)
        {
            var at = list.IndexOf(name);
            if (at >= 0)
                list.RemoveRange(at, 2);
            if (value is not null)
                list.AddRange([name, value]);
        }
        return [.. list];
    }

    async Task<(BuildRun Run, int Containers)> RunWatchedAsync(string target, string tag, params (string Switch, string? Value)[] changes)
    {
        await using var watch = await KanikoContainerWatch.StartAsync(world.KanikoImage);
        var arguments = With(world.SampleArguments("app", tag), [("--kaniko-image", watch.Image), .. changes]);
        var run = await world.RunAsync([target, .. arguments]);
        await watch.DisposeAsync();
        return (run, watch.ContainersCreated);
    }

    string PolicyFile(string content)
    {
        var relative = $"policies/{Guid.NewGuid():N}.json";
        world.Root.Write(relative, content);
        return relative;
    }

    public static TheoryData<string, string, string> Kinds => new()
    {
        // kind, the switch the error names, a fragment of the error
        { "malformed policy", "--policy", "is not valid JSON at line 1" },
        { "typo'd policy key", "--policy", "$.failon" },
        { "missing policy file", "--policy", "does not exist" },
        { "bad --fail-on", "--fail-on 'critical=abc'", "is not a whole number" },
        { "bad --report-formats", "--report-formats", "'pdf' is not a report format" },
        { "bad --destination", "--destination", "is not a valid repository name" },
        { "bad --cache-repo", "--cache-repo", "without a tag or digest" },
        { "bad --dev-registry", "--dev-registry", "does not start with a valid host[:port]" },
        { "bad --prod-registry", "--prod-registry", "does not start with a valid host[:port]" },
        { "bad --image", "--image", "the tag goes in --tag" },
        { "bad --tag", "--tag", "bad tag!" },
        { "bad --image-digest", "--image-digest", "is not a digest" },
        { "missing --dockerfile", "--dockerfile", "samples/nope/Dockerfile" },
        { "missing --context", "--context", "does not exist" },
        { "bad --stage", "--stage", "Unknown stage 'nosuch'" },
        { "bad --console-url", "--console-url", "is not an http(s) URL" },
        { "missing --console-ca-cert", "--console-ca-cert", "does not exist" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_wrong_input_fails_before_any_kaniko_container_starts(string kind, string switchName, string fragment)
    {
        var tag = "pre-" + Guid.NewGuid().ToString("N")[..8];
        (string, string?)[] change = kind switch
        {
            "malformed policy" => [("--policy", PolicyFile("{ \"failOn\": "))],
            "typo'd policy key" => [("--policy", PolicyFile("{ \"failon\": { \"critical\": 0 } }"))],
            "missing policy file" => [("--policy", "policies/no-such-policy.json")],
            "bad --fail-on" => [("--fail-on", "critical=abc")],
            "bad --report-formats" => [("--report-formats", "pdf")],
            "bad --destination" => [("--destination", $"{world.Prod.Host}/release/App:1")],
            "bad --cache-repo" => [("--cache-repo", $"{world.Dev.Host}/cache/app:latest")],
            "bad --dev-registry" => [("--dev-registry", "bad host:99999/dev")],
            "bad --prod-registry" => [("--prod-registry", "bad host/prod")],
            "bad --image" => [("--image", "samples/app:1")],
            "bad --tag" => [("--tag", "bad tag!")],
            "bad --image-digest" => [("--image-digest", "sha256:1234")],
            "missing --dockerfile" => [("--dockerfile", "samples/nope/Dockerfile")],
            "missing --context" => [("--context", "no-such-context")],
            "bad --stage" => [("--stage", "nosuch")],
            "bad --console-url" => [("--console-url", "ftp://console.example.com")],
            "missing --console-ca-cert" => [("--console-ca-cert", "no-such-ca.pem")],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        // ReleaseBuild is the target that reads --destination; every other kind goes through Promote (PushDev first).
        var target = kind == "bad --destination" ? "ReleaseBuild" : "Promote";

        var (run, containers) = await RunWatchedAsync(target, tag, change);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains(switchName, run.Output);
        Assert.Contains(fragment, run.Output);
        Assert.Contains("found before building: nothing was built or pushed", run.Output);
        Assert.DoesNotContain("kaniko: running", run.Output);
        Assert.Equal(0, containers);
        using var dev = world.Client(world.Dev);
        Assert.Null(await dev.GetManifestDigestAsync("dev/samples/app", tag));
    }

    [Fact]
    public async Task Several_wrong_inputs_are_reported_together()
    {
        var (run, containers) = await RunWatchedAsync("Promote", "pre-several", ("--fail-on", "critical=abc"), ("--report-formats", "pdf"), ("--stage", "nosuch"));

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("3 inputs are wrong", run.Output);
        Assert.Contains("--fail-on", run.Output);
        Assert.Contains("--report-formats", run.Output);
        Assert.Contains("--stage", run.Output);
        Assert.Equal(0, containers);
    }

    [Fact]
    public async Task With_right_inputs_kaniko_starts_and_an_unreachable_dev_registry_is_named_as_such()
    {
        var registry = $"127.0.0.1:{FreePort.Next()}";

        var (run, containers) = await RunWatchedAsync("PushDev", "pre-control", ("--dev-registry", $"{registry}/dev"));

        Assert.True(run.ExitCode != 0, run.ToString());
        // The watch sees the container the preflight let through: its zero above is not blindness.
        Assert.Equal(1, containers);
        Assert.Contains($"could not connect to the registry {registry}", run.Output);
        Assert.DoesNotContain("refused access (401/403)", run.Output);
    }
}
