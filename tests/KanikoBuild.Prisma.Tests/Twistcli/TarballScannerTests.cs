using System.Text.Json.Nodes;
using KanikoBuild.Prisma.Tests.Support;
using KanikoBuild.Prisma.Twistcli;
using KanikoBuild.Testing;

namespace KanikoBuild.Prisma.Tests.Twistcli;

/// <summary>
/// twistcli --tarball through the scanner: the twistcli stand-in against the Console simulator, on this host and in a
/// container through the real Docker engine, and the errors when neither can run it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TarballScannerTests
{
    static readonly (string, string)[] s_vulnerable = [("busybox", "1.36.1-r0"), ("openssl", "1.1.1k-r0")];
    static readonly (string, string)[] s_clean = [("busybox", "1.36.1-r2"), ("zlib", "1.3-r0")];

    static TestTarball Tarball(TempDirectory temp, (string, string)[] packages, bool gzip = false) =>
        ImageTarballs.WriteKanikoLayout(temp.Combine(gzip ? "image.tar.gz" : "image.tar"),
            [TestLayer.Packages("COPY os-release apk-db /", "alpine", "3.19.1", packages)], ["registry.example.com/team/app:1.0"], gzipTarball: gzip);

    static async Task<TarballScanRequest> RequestAsync(ConsoleScenario scenario, TempDirectory temp, TestTarball tarball) => new()
    {
        TwistcliPath = await GoBinary.BuildAsync("twistcli"),
        TarballPath = tarball.Path,
        Console = ConsoleEndpoint.Create(scenario.Simulator.ConsoleUrl),
        ResultFile = temp.Combine("reports", "twistcli-result.json"),
    };

    /// <summary>The token the scanner gets, fetched as the pipeline does (POST /authenticate), and remembered for the checks.</summary>
    sealed class Tokens(ConsoleScenario scenario, ComputeClient client)
    {
        public List<string> Issued { get; } = [];

        public async Task<string> GetAsync(CancellationToken ct)
        {
            var token = await scenario.Clock.RunAsync(client.GetTokenAsync(ct));
            Issued.Add(token);
            return token;
        }
    }

    static async Task<string> StatusOfAsync(params string[] setpriv)
    {
        var path = Peer.RequireExecutable("setpriv", "util-linux");
        return await Shell.RunCheckedAsync(path, [.. setpriv, "cat", "/proc/self/status"]);
    }

    [Fact]
    public async Task On_this_host_a_vulnerable_tarball_fails_the_policy_with_its_result_and_the_image_id()
    {
        Assert.True(HostPrivileges.Current().CanScanTarballs, "host mode needs Linux and root (or the two capabilities); the tests run as root in CI");
        using var temp = new TempDirectory();
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client(ConsoleScenario.CiUser);
        var tokens = new Tokens(scenario, client);
        var tarball = Tarball(temp, s_vulnerable);
        var request = await RequestAsync(scenario, temp, tarball);
        var work = temp.Combine("work");

        var outcome = await new TarballScanner(new TarballScannerOptions { WorkRoot = work }, tokens.GetAsync, scenario.Log.Logger).ScanAsync(request, CancellationToken.None);

        Assert.Equal(TwistcliPlacement.Host, outcome.RanOn);
        Assert.Equal(TwistcliVerdict.PolicyFailed, outcome.Verdict);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(request.ResultFile, outcome.RequireResult());
        var result = JsonNode.Parse(await File.ReadAllTextAsync(request.ResultFile))!["results"]![0]!;
        Assert.Equal(tarball.ImageId, result["id"]!.GetValue<string>());
        Assert.Contains(result["vulnerabilities"]!.AsArray(), v => v!["packageName"]!.GetValue<string>() == "openssl");
        // --publish=true by default: the scan shows under CI scans.
        var ci = Assert.Single(scenario.Control.CiScans);
        Assert.Equal("registry.example.com/team/app:1.0", ci["entityInfo"]!["name"]!.GetValue<string>());
        Assert.Contains("--publish=true", scenario.Log.Text, StringComparison.Ordinal);
        Assert.Contains("--tarball", scenario.Log.Text, StringComparison.Ordinal);
        // The password went to /authenticate only; the token reached twistcli through a file and is in no log line.
        var token = Assert.Single(tokens.Issued);
        Assert.DoesNotContain(token, scenario.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(ConsoleScenario.CiPassword, scenario.AllOutput, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(work));
    }

    [Fact]
    public async Task A_clean_tarball_passes_and_publish_false_and_the_project_are_passed_on()
    {
        using var temp = new TempDirectory();
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        var tokens = new Tokens(scenario, client);
        var scanner = new TarballScanner(new TarballScannerOptions { Placement = TwistcliPlacement.Host }, tokens.GetAsync, scenario.Log.Logger);
        var request = await RequestAsync(scenario, temp, Tarball(temp, s_clean));

        var unpublished = await scanner.ScanAsync(request with { Publish = false }, CancellationToken.None);
        Assert.Equal(TwistcliVerdict.Passed, unpublished.Verdict);
        Assert.Empty(scenario.Control.CiScans);

        var published = await scanner.ScanAsync(request with { Project = "team-a", Details = false }, CancellationToken.None);
        Assert.Equal(TwistcliVerdict.Passed, published.Verdict);
        Assert.Equal("team-a", Assert.Single(scenario.Control.CiScans)["project"]!.GetValue<string>());
    }

    [Fact]
    public async Task In_a_container_through_the_Docker_engine_a_gzipped_tarball_is_scanned_as_root_with_read_only_inputs()
    {
        var image = await KanikoStandInImage.EnsureAsync();
        using var temp = new TempDirectory();
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client(ConsoleScenario.CiUser);
        var tokens = new Tokens(scenario, client);
        var tarball = Tarball(temp, s_vulnerable, gzip: true);
        var label = Guid.NewGuid().ToString("N");
        var options = new TarballScannerOptions
        {
            Placement = TwistcliPlacement.Container,
            ContainerImage = image,
            NetworkMode = "host",
            Labels = new Dictionary<string, string> { ["org.kanikobuild.test"] = label },
        };

        var outcome = await new TarballScanner(options, tokens.GetAsync, scenario.Log.Logger).ScanAsync(await RequestAsync(scenario, temp, tarball), CancellationToken.None);

        Assert.Equal(TwistcliPlacement.Container, outcome.RanOn);
        Assert.True(outcome.Verdict == TwistcliVerdict.PolicyFailed, outcome.StandardError);
        var result = JsonNode.Parse(await File.ReadAllTextAsync(outcome.RequireResult()))!["results"]![0]!;
        Assert.Equal(tarball.ImageId, result["id"]!.GetValue<string>());
        Assert.Single(scenario.Control.CiScans);
        Assert.DoesNotContain(Assert.Single(tokens.Issued), scenario.AllOutput, StringComparison.Ordinal);
        var left = await Shell.RunCheckedAsync(DockerEngine.Cli, ["ps", "-aq", "--filter", $"label=org.kanikobuild.test={label}"]);
        Assert.Equal(string.Empty, left.Trim());
    }

    [Fact]
    public async Task Auto_runs_it_in_a_container_when_the_build_is_not_root()
    {
        var image = await KanikoStandInImage.EnsureAsync();
        var unprivileged = HostPrivileges.Parse(await StatusOfAsync("--reuid=65534", "--regid=65534", "--clear-groups"));
        using var temp = new TempDirectory();
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        var options = new TarballScannerOptions { ContainerImage = image, NetworkMode = "host" };

        var outcome = await new TarballScanner(options, new Tokens(scenario, client).GetAsync, scenario.Log.Logger, unprivileged)
            .ScanAsync(await RequestAsync(scenario, temp, Tarball(temp, s_clean)), CancellationToken.None);

        Assert.Equal(TwistcliPlacement.Container, outcome.RanOn);
        Assert.Equal(TwistcliVerdict.Passed, outcome.Verdict);
        Assert.Contains("uid 65534, not root", scenario.Log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_neither_the_host_nor_a_Docker_engine_can_run_it_one_error_names_what_is_missing()
    {
        using var temp = new TempDirectory();
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        var request = await RequestAsync(scenario, temp, Tarball(temp, s_clean));
        var noEngine = new Uri("unix:///nonexistent/kanikobuild-docker.sock");
        var unprivileged = HostPrivileges.Parse(await StatusOfAsync("--reuid=65534", "--regid=65534", "--clear-groups"));
        var noMknod = HostPrivileges.Parse(await StatusOfAsync("--bounding-set=-mknod"));
        var tokens = new Tokens(scenario, client);
        Task<TarballScanOutcome> Scan(TwistcliPlacement placement, HostPrivileges host) =>
            new TarballScanner(new TarballScannerOptions { Placement = placement, DockerEndpoint = noEngine }, tokens.GetAsync, scenario.Log.Logger, host)
                .ScanAsync(request, CancellationToken.None);

        var notRoot = await Assert.ThrowsAsync<PipelineException>(() => Scan(TwistcliPlacement.Auto, unprivileged));
        var macOs = await Assert.ThrowsAsync<PipelineException>(() => Scan(TwistcliPlacement.Auto, HostPrivileges.NotLinux("macOS")));
        var rootWithout = await Assert.ThrowsAsync<PipelineException>(() => Scan(TwistcliPlacement.Host, noMknod));
        var container = await Assert.ThrowsAsync<PipelineException>(() => Scan(TwistcliPlacement.Container, HostPrivileges.Current()));

        Assert.Contains("the build runs as uid 65534, not root, and does not pass CAP_SYS_CHROOT and CAP_MKNOD", notRoot.Message);
        Assert.Contains($"no Docker engine answers at {noEngine}", notRoot.Message);
        Assert.Contains("this host runs macOS, and twistcli --tarball is Linux only", macOs.Message);
        Assert.Contains($"no Docker engine answers at {noEngine}", macOs.Message);
        Assert.Contains("cannot run on this host: the build runs as root but without CAP_MKNOD", rootWithout.Message);
        Assert.Contains("cannot run in a container: no Docker engine answers", container.Message);
        // Nothing was asked of the Console: the requirements are checked before a token is fetched.
        Assert.Empty(tokens.Issued);
    }

    [Fact]
    public async Task A_console_that_cannot_be_reached_is_a_tool_failure_with_twistclis_message_and_no_result()
    {
        using var temp = new TempDirectory();
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        var request = await RequestAsync(scenario, temp, Tarball(temp, s_vulnerable)) with
        {
            Console = ConsoleEndpoint.Create(new Uri($"http://127.0.0.1:{FreePort.Next()}")),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(request.ResultFile)!);
        await File.WriteAllTextAsync(request.ResultFile, "{\"results\":[{\"stale\":true}]}");

        var outcome = await new TarballScanner(new TarballScannerOptions { Placement = TwistcliPlacement.Host }, new Tokens(scenario, client).GetAsync, scenario.Log.Logger)
            .ScanAsync(request, CancellationToken.None);

        Assert.Equal(TwistcliVerdict.ToolFailed, outcome.Verdict);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Null(outcome.ResultFile);
        Assert.False(File.Exists(request.ResultFile));
        Assert.Contains("failed to connect to Console", outcome.StandardError, StringComparison.Ordinal);
        var error = Assert.Throws<PipelineException>(() => outcome.RequireResult());
        Assert.Contains("not a policy verdict", error.Message);
        Assert.Contains("failed to connect to Console", error.Message);
    }

    [Fact]
    public async Task The_container_holds_no_token_mounts_its_inputs_read_only_and_runs_as_root_with_both_capabilities()
    {
        using var temp = new TempDirectory();
        var token = "canary-token-" + Guid.NewGuid().ToString("N");
        var tarball = temp.Write("in/image.tar", "x");
        var twistcli = temp.Write("in/twistcli", "x");
        var ca = temp.Write("in/ca.pem", "x");
        var request = new TarballScanRequest
        {
            TwistcliPath = twistcli,
            TarballPath = tarball,
            Console = ConsoleEndpoint.Create(new Uri("https://console.example.com/us-3-1")),
            ResultFile = temp.Combine("result.json"),
            CaCertificatePath = ca,
            Project = "it's a project",
        };
        using var folder = await ScanFolder.CreateAsync(temp.Combine("work"), token, CancellationToken.None);
        var run = new ContainerTwistcliRun(new TarballScannerOptions { ContainerImage = "kaniko:debug" }, new Uri("unix:///var/run/docker.sock"), Serilog.Core.Logger.None);
        var paths = run.PathsFor(folder, request);
        var script = TwistcliScript.Render(request, paths);

        var spec = run.Spec(folder, request, "run-1");

        var visible = string.Join('\n', [.. spec.Cmd, .. spec.Entrypoint, .. spec.Env, .. spec.Labels.Values]);
        Assert.DoesNotContain(token, visible, StringComparison.Ordinal);
        Assert.DoesNotContain(token, script, StringComparison.Ordinal);
        Assert.Contains("token=\"$(cat '/kanikobuild/run/secrets/console-token')\"", script, StringComparison.Ordinal);
        Assert.Contains("'--address' 'https://console.example.com/us-3-1' '--token' \"$token\" '--output-file' '/kanikobuild/out/twistcli-result.json' '--publish=true' '--details' '--project' 'it'\\''s a project' '--tlscacert' '/kanikobuild/ca.pem' '--tarball' '/kanikobuild/image/image.tar'", script, StringComparison.Ordinal);
        Assert.EndsWith("'--tarball' '/kanikobuild/image/image.tar'", script.Split('\n').First(l => l.Contains("images", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal("0:0", spec.User);
        Assert.Equal(["SYS_CHROOT", "MKNOD"], spec.HostConfig.CapAdd);
        Assert.Equal(["/busybox/sh"], spec.Entrypoint);
        var mounts = spec.HostConfig.Mounts.ToDictionary(m => m.Target);
        Assert.True(mounts["/kanikobuild/image/image.tar"].ReadOnly);
        Assert.True(mounts["/kanikobuild/bin/twistcli"].ReadOnly);
        Assert.True(mounts["/kanikobuild/run"].ReadOnly);
        Assert.True(mounts["/kanikobuild/ca.pem"].ReadOnly);
        Assert.False(mounts["/kanikobuild/out"].ReadOnly);
        Assert.Equal("volume", mounts["/tmp"].Type);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(folder.TokenFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder.Root));
    }

    [Fact]
    public async Task Host_privileges_are_read_as_the_kernel_hands_them_to_a_child()
    {
        var root = HostPrivileges.Current();
        var unprivileged = HostPrivileges.Parse(await StatusOfAsync("--reuid=65534", "--regid=65534", "--clear-groups"));
        var ambient = HostPrivileges.Parse(await StatusOfAsync("--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+sys_chroot,+mknod", "--ambient-caps=+sys_chroot,+mknod"));
        var noChroot = HostPrivileges.Parse(await StatusOfAsync("--bounding-set=-sys_chroot"));

        Assert.True(root.CanScanTarballs, root.Shortcoming);
        Assert.Equal(["CAP_SYS_CHROOT", "CAP_MKNOD"], unprivileged.MissingCapabilities);
        Assert.Equal(65534, unprivileged.EffectiveUid);
        Assert.True(ambient.CanScanTarballs, ambient.Shortcoming);
        Assert.Equal(["CAP_SYS_CHROOT"], noChroot.MissingCapabilities);
        Assert.False(HostPrivileges.NotLinux("Windows").CanScanTarballs);
    }
}
