using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// The build's command line, environment and parameters.json bound onto the option records, as users run it (the
/// compiled build as a process), in a root of its own. None of these runs builds anything, so no peer is needed.
/// </summary>
public sealed class BindingEndToEndTests : IDisposable
{
    readonly TempDirectory _root = new("kanikobuild-binding-");

    public BindingEndToEndTests() => Directory.CreateDirectory(_root.Combine(".nuke"));

    public void Dispose() => _root.Dispose();

    async Task<Shell.Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        await BuildAssembly.EnsureAsync();
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["NO_COLOR"] = "1" };
        return await Shell.RunAsync("dotnet", [BuildAssembly.Path, .. arguments, "--root", _root.Path, "--no-logo"], environment: env);
    }

    [Fact]
    public async Task Values_that_do_not_convert_are_listed_with_the_preflights_problems_each_naming_its_parameter()
    {
        var password = "binding-canary-" + Guid.NewGuid().ToString("N");

        var run = await RunAsync(new Dictionary<string, string> { ["CONSOLE_PASSWORD"] = password },
            "AwaitScan", "Promote",
            "--image-digest", "sha256:short", "--fail-on", "critical=abc", "--report-formats", "pdf", "--scan-timeout", "soon",
            "--console-url", "ftp://console", "--console-ca-cert", "missing-ca.pem", "--tag", "bad tag!",
            "--console-user", "ci", "--dev-registry", "registry.example.com/dev", "--prod-registry", "registry.example.com/prod", "--image", "team/app");

        var output = run.StandardOutput + run.StandardError;
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("7 inputs are wrong (found before building: nothing was built or pushed)", output);
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        foreach (var name in new[] { "--image-digest", "--fail-on", "--report-formats", "--scan-timeout", "--console-url", "--console-ca-cert", "--tag" })
            Assert.Single(lines, l => l.Contains(name + " ", StringComparison.Ordinal) || l.Contains(name + ")", StringComparison.Ordinal) || l.Contains(name + ":", StringComparison.Ordinal));
        Assert.Contains("'sha256:short' is not a digest", output);
        Assert.Contains("'pdf' is not a report format", output);
        Assert.Contains("'ftp://console' is not an http(s) URL", output);
        Assert.DoesNotContain(password, output);
    }

    [Fact]
    public async Task A_bad_enum_value_names_its_switch_and_the_value()
    {
        var run = await RunAsync(null, "Instrument", "--kaniko-runner", "k8s", "--console-url", "https://console.example.com");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Parameter 'KanikoRunner' from the command line (--kaniko-runner): 'k8s' is not one of Auto, Docker, Local.", run.StandardOutput);
    }

    [Fact]
    public async Task The_environment_and_parameters_json_fill_the_option_records_under_their_flat_names()
    {
        _root.Write("app/Dockerfile", "FROM busybox AS app\n");
        _root.Write(".nuke/parameters.json", """{ "$schema": "./build.schema.json", "Context": "app", "ConsoleProject": "from-file" }""");

        var run = await RunAsync(new Dictionary<string, string> { ["CONSOLE_URL"] = "https://console.example.com:8083/tenant/", ["NUKE_INSTRUMENTED_DOCKERFILE"] = "out/scan.Dockerfile" }, "Instrument");

        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var written = await File.ReadAllTextAsync(_root.Combine("out", "scan.Dockerfile"));
        Assert.StartsWith("FROM busybox AS app", written, StringComparison.Ordinal);
        Assert.Contains("--address 'https://console.example.com:8083/tenant'", written, StringComparison.Ordinal);
        Assert.Contains("--project 'from-file'", written, StringComparison.Ordinal);
    }
}
