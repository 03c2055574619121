using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KanikoBuild.ConsoleSimulator;
using KanikoBuild.Dockerfiles;
using KanikoBuild.Pipeline.ScanInBuild;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>
/// Alternative A's scan stage, as ScanBuild writes it, built by the stand-in the way ScanBuild runs kaniko (tools
/// folder mounted at /kaniko/kanikobuild, debug busybox at /busybox), with the Go twistcli stand-in talking to the
/// Console simulator. The image shapes are the ones kaniko v1.24 refuses a RUN after USER 0:0 for (no /etc/group:
/// scratch, static binaries, no /etc at all) and the ones it accepts (distroless-shaped, non-root users). The
/// scanned stage's package database is 0600 and root's, so a scan that did not run as root finds nothing.
/// </summary>
[Collection(StandInCollection.Name)]
public sealed class ScanStageTests(StandInFixture fixture) : IAsyncLifetime
{
    const string ConsoleUser = "scan-stage-ci";
    readonly string _password = "scan-stage-" + Guid.NewGuid().ToString("N");
    ConsoleSimulatorHost? _console;

    public async Task InitializeAsync()
    {
        _console = await ConsoleSimulatorHost.StartAsync(new SimulatorOptions { Users = [new SimulatorUser(ConsoleUser, _password, "ci")] });
    }

    public async Task DisposeAsync()
    {
        if (_console is not null)
            await _console.DisposeAsync();
    }

    ConsoleSimulatorHost Console => _console ?? throw new InvalidOperationException("not started");

    const string Passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\napp:x:1000:1000:app:/home/app:/sbin/nologin\n";
    const string Group = "root:x:0:\nnonroot:x:65532:\napp:x:1000:\n";

    public static TheoryData<string> Shapes => ["scratch-static-binary", "no-etc-at-all", "distroless", "non-root-by-name", "non-root-by-name-without-group-file", "non-root-by-id", "onbuild"];

    /// <summary>A builder stage makes the files (owners and modes as a real build leaves them); the shipped stage is FROM scratch.</summary>
    string DockerfileFor(string shape)
    {
        var etc = shape switch
        {
            "distroless" or "non-root-by-name" => $"&& mkdir -p /out/etc && printf '{Escape(Passwd)}' > /out/etc/passwd && printf '{Escape(Group)}' > /out/etc/group " +
                "&& printf 'ID=debian\\nVERSION_ID=12\\n' > /out/etc/os-release",
            "non-root-by-name-without-group-file" => $"&& mkdir -p /out/etc && printf '{Escape(Passwd)}' > /out/etc/passwd",
            _ => "",
        };
        var files = $"""
            FROM {fixture.BaseImage} AS files
            RUN mkdir -p /out/lib/apk/db && printf 'P:kanikobuild-sample\nV:1.0-r0\n\n' > /out/lib/apk/db/installed \
                && chmod 0600 /out/lib/apk/db/installed && cp /bin/busybox /out/app {etc}

            """;
        var user = shape switch
        {
            "scratch-static-binary" => "USER 65532:65532\n",
            "distroless" => "USER 65532\n",
            "non-root-by-name" or "non-root-by-name-without-group-file" => "USER app\n",
            "non-root-by-id" => "USER 1000:1000\n",
            "onbuild" => "USER 65532\nONBUILD RUN [\"/app\", \"false\"]\n",
            _ => "",
        };
        return files + $"FROM scratch AS app\nCOPY --from=files /out/ /\n{user}ENTRYPOINT [\"/app\"]\n";
    }

    static string Escape(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task The_scan_stage_scans_the_stage_as_root_whatever_its_users_and_etc(string shape)
    {
        var instrumented = await ScanAsync(shape, inStage: false);
        Assert.Equal(shape == "onbuild", instrumented.SkipsOnBuildTriggers);
    }

    /// <summary>The shape ScanBuild builds: the scan step ends the scanned (last) stage itself.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task The_scan_step_in_the_stage_scans_it_as_root_whatever_its_users_and_etc(string shape)
    {
        var instrumented = await ScanAsync(shape, inStage: true);
        Assert.True(instrumented.ScansInStage);
        Assert.False(instrumented.SkipsOnBuildTriggers);
    }

    async Task<InstrumentedDockerfile> ScanAsync(string shape, bool inStage)
    {
        var token = await TokenAsync();
        var twistcli = await GoBinary.BuildAsync("twistcli");
        using var tools = await ScanToolsFolder.CreateAsync(twistcli, token, null, default);
        using var context = new TempDirectory();
        var instrumented = ScanInstrumenter.Instrument(DockerfileParser.Parse(DockerfileFor(shape)),
            new ScanStageOptions { ConsoleAddress = Console.ConsoleUrl.ToString().TrimEnd('/'), Publish = false, InStage = inStage });
        File.WriteAllText(Path.Combine(tools.Root, "Dockerfile.scan"), instrumented.Text);

        var run = await fixture.RunAsync(context.Path,
        [
            $"--dockerfile={ScanToolsFolder.PathInBuild}/Dockerfile.scan", "--context=dir:///workspace", "--no-push",
            $"--target={instrumented.ScanStage}", "--skip-unused-stages",
        ], [(tools.Root, ScanToolsFolder.PathInBuild)]);

        Assert.True(run.ExitCode == 0, $"{instrumented.Text}\n{run}");
        // No stage of these runs a command after a USER, and the scan stage resets the user: nothing is looked up.
        Assert.DoesNotContain("Util.Lookup returned", run.Output);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(tools.Root, instrumented.ResultRelativePath)))!["results"]![0]!;
        Assert.Equal(["kanikobuild-sample@1.0-r0"], result["packages"]!.AsArray().Select(p => $"{p!["name"]}@{p["version"]}"));
        Assert.True(result["vulnerabilityScanPassed"]!.GetValue<bool>());
        // The onbuild shape's trigger is "/app false": had it run, the build would have failed above.
        return instrumented;
    }

    async Task<string> TokenAsync()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri(Console.ConsoleUrl, "api/v1/authenticate"), new { username = ConsoleUser, password = _password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }
}
