using System.Text.Json.Nodes;
using KanikoBuild.Dockerfiles.Tests.StandIn;
using KanikoBuild.Testing;

namespace KanikoBuild.Dockerfiles.Tests.Integration;

/// <summary>
/// The default layout (CONTRACTS.md §3) the way kaniko's debug executor provides it: the tools folder mounted at
/// /kaniko/kanikobuild and a static busybox at /busybox/sh. The scan step's exec array is run as written in the
/// instrumented file, in a container of the image, with those two mounted.
/// </summary>
public sealed class MountedToolsTests : IAsyncLifetime
{
    FakeConsole _console = null!;
    readonly TempDirectory _tools = new("kanikobuild-tools-");
    readonly TempDirectory _image = new("kanikobuild-image-");

    async Task<(int ExitCode, string Output, InstrumentedDockerfile Instrumented)> RunScanStepAsync(string package)
    {
        var busybox = await BusyboxImage.EnsureAsync();
        File.Copy(await GoBinary.BuildAsync("twistcli"), _tools.Combine("twistcli"), overwrite: true);
        var token = _tools.Write("secrets/console-token", _console.Token);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(token, UnixFileMode.UserRead);
        Directory.CreateDirectory(_tools.Combine("out"));
        var database = _image.Write("installed", $"P:{package}\nV:1.1.1k-r0\n\n");

        var instrumented = ScanInstrumenter.Instrument(DockerfileParser.Parse($"FROM {busybox}\nUSER 65534\n"),
            new ScanStageOptions { ConsoleAddress = _console.Address, Project = "p1" });
        var exec = DockerfileParser.Parse(instrumented.Text).Stages[^1].Instructions.Last().ExecForm!;
        var run = await Shell.RunAsync(DockerEngine.Cli,
        [
            "run", "--rm", "--network", "host", "--user", "0:0", "--entrypoint", exec[0],
            "-v", $"{_tools.Path}:{ScanToolsLayout.DefaultDirectory}", "-v", "/bin/busybox:/busybox/sh:ro",
            "-v", $"{database}:/lib/apk/db/installed:ro", busybox, .. exec.Skip(1),
        ]);
        return (run.ExitCode, run.StandardOutput + run.StandardError, instrumented);
    }

    [Fact]
    public async Task A_pass_writes_the_result_into_the_mounted_folder()
    {
        var (exitCode, output, instrumented) = await RunScanStepAsync("zlib");

        Assert.True(exitCode == 0, output);
        var scan = Assert.Single(_console.Scans);
        Assert.Equal(["zlib@1.1.1k-r0"], scan.Packages);
        Assert.Equal("p1", scan.Project);
        Assert.Equal($"Bearer {_console.Token}", scan.Authorization);
        var result = JsonNode.Parse(await File.ReadAllTextAsync(_tools.Combine(instrumented.ResultRelativePath)))!;
        Assert.True(result["results"]![0]!["vulnerabilityScanPassed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_policy_failure_exits_1_and_the_result_still_reaches_the_host()
    {
        var (exitCode, _, instrumented) = await RunScanStepAsync("openssl");

        Assert.Equal(1, exitCode);
        var result = JsonNode.Parse(await File.ReadAllTextAsync(_tools.Combine(instrumented.ResultRelativePath)))!;
        Assert.False(result["results"]![0]!["vulnerabilityScanPassed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_missing_token_is_a_tool_failure_with_a_clear_message()
    {
        await BusyboxImage.EnsureAsync();
        File.Copy(await GoBinary.BuildAsync("twistcli"), _tools.Combine("twistcli"), overwrite: true);
        Directory.CreateDirectory(_tools.Combine("out"));
        var instrumented = ScanInstrumenter.Instrument(DockerfileParser.Parse($"FROM {BusyboxImage.Name}\n"), new ScanStageOptions { ConsoleAddress = _console.Address });
        var exec = DockerfileParser.Parse(instrumented.Text).Stages[^1].Instructions.Last().ExecForm!;

        var run = await Shell.RunAsync(DockerEngine.Cli,
            ["run", "--rm", "--network", "host", "--entrypoint", exec[0], "-v", $"{_tools.Path}:{ScanToolsLayout.DefaultDirectory}",
             "-v", "/bin/busybox:/busybox/sh:ro", BusyboxImage.Name, .. exec.Skip(1)]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no Console token at /kaniko/kanikobuild/secrets/console-token", run.StandardError, StringComparison.Ordinal);
        Assert.Empty(_console.Scans);
        Assert.Empty(Directory.GetFiles(_tools.Combine("out")));
    }

    public async Task InitializeAsync() => _console = await FakeConsole.StartAsync();

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        _tools.Dispose();
        _image.Dispose();
    }
}
