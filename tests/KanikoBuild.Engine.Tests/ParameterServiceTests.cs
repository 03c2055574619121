using KanikoBuild.Engine.Parameters;

namespace KanikoBuild.Engine.Tests;

public sealed class ParameterServiceTests
{
    const string Cwd = "/work/here";
    const string Root = "/work/root";

    public enum Mode
    {
        Docker,
        Local,
    }

    public sealed class ParameterBuild : NukeBuild
    {
        [Parameter("A string.")] public readonly string? ConsoleUrl;
        [Parameter("A bool.")] public readonly bool OverwriteTags;
        [Parameter("A nullable bool.")] public readonly bool? TriggerScan;
        [Parameter("An int.")] public readonly int Retries = 3;
        [Parameter("A duration.")] public readonly TimeSpan ScanTimeout = TimeSpan.FromMinutes(10);
        [Parameter("An enum.")] public readonly Mode? Runner;
        [Parameter("An array.")] public readonly string[] Destination = [];
        [Parameter("A separated array.", Separator = ",")] public readonly string[] Formats = [];
        [Parameter("A path.")] public readonly AbsolutePath? Policy;
        [Parameter("A URL.")] public readonly Uri? Endpoint;
        [Parameter("Renamed.", Name = "RegistryHost")] public readonly string? Registry;
        [Parameter("A property.")] public string? Stage { get; }
        [Parameter("A secret.")][Secret] public readonly string? Password;
    }

    static (ParameterBuild Build, IReadOnlyList<string> Errors, ParameterService Service) Bind(
        string[] args, Dictionary<string, string>? environment = null, string? json = null)
    {
        var build = new ParameterBuild();
        var file = json is null ? ParametersFile.Empty(".nuke/parameters.json") : ParametersFile.Parse(".nuke/parameters.json", json);
        var service = new ParameterService(ParsedArguments.Parse(args), environment ?? [], file, Cwd, Root);
        var errors = service.Bind(build, ParameterDescriptor.FromBuildType(typeof(ParameterBuild)));
        return (build, errors, service);
    }

    [Fact]
    public void A_list_switch_given_several_times_keeps_every_value_and_a_single_value_switch_keeps_the_last()
    {
        var (build, errors, _) = Bind(["--destination", "reg/a:1", "--console-url", "https://first", "--destination", "reg/b:1", "reg/c:1", "--console-url", "https://last"]);
        Assert.Empty(errors);
        Assert.Equal(["reg/a:1", "reg/b:1", "reg/c:1"], build.Destination);
        Assert.Equal("https://last", build.ConsoleUrl);
    }

    [Fact]
    public void Command_line_wins_over_environment_which_wins_over_the_file()
    {
        var json = """{ "$schema": "./build.schema.json", "ConsoleUrl": "https://file", "Retries": 7, "Stage": "from-file" }""";
        var env = new Dictionary<string, string> { ["CONSOLE_URL"] = "https://env", ["RETRIES"] = "5" };
        var (build, errors, _) = Bind(["--console-url", "https://cli"], env, json);
        Assert.Empty(errors);
        Assert.Equal("https://cli", build.ConsoleUrl);
        Assert.Equal(5, build.Retries);
        Assert.Equal("from-file", build.Stage);
    }

    [Theory]
    [InlineData("ConsoleUrl")]
    [InlineData("CONSOLE_URL")]
    [InlineData("consoleurl")]
    [InlineData("NUKE_CONSOLE_URL")]
    [InlineData("NukeConsoleUrl")]
    public void Environment_names_ignore_case_and_underscores_and_accept_the_NUKE_prefix(string variable)
    {
        var (build, errors, _) = Bind([], new Dictionary<string, string> { [variable] = "https://env" });
        Assert.Empty(errors);
        Assert.Equal("https://env", build.ConsoleUrl);
    }

    [Fact]
    public void Ambiguous_environment_values_are_ignored_with_a_warning()
    {
        var (build, _, service) = Bind([], new Dictionary<string, string> { ["CONSOLE_URL"] = "a", ["NUKE_CONSOLE_URL"] = "b" });
        Assert.Null(build.ConsoleUrl);
        Assert.Contains(service.Warnings, w => w.Contains("'ConsoleUrl'") && w.Contains("multiple values"));
    }

    [Fact]
    public void Exact_environment_name_wins_over_variants()
    {
        var (build, _, _) = Bind([], new Dictionary<string, string> { ["ConsoleUrl"] = "exact", ["CONSOLE_URL"] = "variant" });
        Assert.Equal("exact", build.ConsoleUrl);
    }

    [Fact]
    public void Typed_values_convert()
    {
        var (build, errors, _) = Bind([
            "--overwrite-tags", "--trigger-scan", "false", "--retries", "9", "--scan-timeout", "00:02:30", "--runner", "LOCAL",
            "--destination", "r/a:1", "r/a:2", "--formats", "sarif,junit", "--policy", "policy.json", "--endpoint", "https://console:8083/",
            "--registry-host", "127.0.0.1:5000",
        ]);
        Assert.Empty(errors);
        Assert.True(build.OverwriteTags);
        Assert.False(build.TriggerScan);
        Assert.Equal(9, build.Retries);
        Assert.Equal(TimeSpan.FromSeconds(150), build.ScanTimeout);
        Assert.Equal(Mode.Local, build.Runner);
        Assert.Equal(["r/a:1", "r/a:2"], build.Destination);
        Assert.Equal(["sarif", "junit"], build.Formats);
        Assert.Equal(Path.GetFullPath("/work/here/policy.json"), build.Policy!.Value);
        Assert.Equal(new Uri("https://console:8083/"), build.Endpoint);
        Assert.Equal("127.0.0.1:5000", build.Registry);
    }

    [Fact]
    public void Unset_parameters_keep_their_initializers()
    {
        var (build, errors, _) = Bind([]);
        Assert.Empty(errors);
        Assert.Equal(3, build.Retries);
        Assert.Equal(TimeSpan.FromMinutes(10), build.ScanTimeout);
        Assert.Empty(build.Destination);
        Assert.Null(build.TriggerScan);
    }

    [Fact]
    public void Environment_arrays_split_on_the_separator_or_whitespace_and_empty_bools_are_false()
    {
        var (build, errors, _) = Bind([], new Dictionary<string, string> { ["FORMATS"] = "sarif, junit", ["DESTINATION"] = "r/a:1 r/a:2", ["OVERWRITE_TAGS"] = "" });
        Assert.Empty(errors);
        Assert.Equal(["sarif", "junit"], build.Formats);
        Assert.Equal(["r/a:1", "r/a:2"], build.Destination);
        Assert.False(build.OverwriteTags);
    }

    [Fact]
    public void File_values_are_typed_and_paths_are_relative_to_the_root()
    {
        var json = """{ "Destination": ["x/a:1"], "OverwriteTags": true, "Retries": 4, "Policy": "ci/policy.json", "ScanTimeout": "90s" }""";
        var (build, errors, _) = Bind([], json: json);
        Assert.Empty(errors);
        Assert.Equal(["x/a:1"], build.Destination);
        Assert.True(build.OverwriteTags);
        Assert.Equal(4, build.Retries);
        Assert.Equal(Path.GetFullPath("/work/root/ci/policy.json"), build.Policy!.Value);
        Assert.Equal(TimeSpan.FromSeconds(90), build.ScanTimeout);
    }

    [Theory]
    [InlineData("--retries", "many", "Parameter 'Retries' from the command line (--retries): 'many' is not an integer.")]
    [InlineData("--overwrite-tags=maybe", null, "Parameter 'OverwriteTags' from the command line (--overwrite-tags): 'maybe' is not a boolean; use true or false.")]
    [InlineData("--runner", "podman", "Parameter 'Runner' from the command line (--runner): 'podman' is not one of Docker, Local.")]
    [InlineData("--scan-timeout", "soon", "Parameter 'ScanTimeout' from the command line (--scan-timeout): 'soon' is not a duration")]
    [InlineData("--endpoint", "console:8083", "Parameter 'Endpoint' from the command line (--endpoint): 'console:8083' is not an absolute URL")]
    [InlineData("--console-url", null, "Parameter 'ConsoleUrl' from the command line (--console-url): a value is missing after the switch.")]
    public void Bad_values_fail_naming_the_parameter_and_the_source(string name, string? value, string expected)
    {
        var (_, errors, _) = Bind(value is null ? [name] : [name, value]);
        Assert.StartsWith(expected, Assert.Single(errors));
    }

    [Fact]
    public void Bad_environment_value_names_the_variable()
    {
        var (_, errors, _) = Bind([], new Dictionary<string, string> { ["NUKE_RETRIES"] = "x" });
        Assert.Equal("Parameter 'Retries' from environment variable NUKE_RETRIES: 'x' is not an integer.", Assert.Single(errors));
    }

    [Fact]
    public void Bad_file_value_names_the_file()
    {
        var (_, errors, _) = Bind([], json: """{ "Retries": "x" }""");
        Assert.Equal("Parameter 'Retries' from .nuke/parameters.json: 'x' is not an integer.", Assert.Single(errors));
    }

    [Fact]
    public void Invalid_parameters_file_is_a_clear_error()
    {
        var e = Assert.Throws<PipelineException>(() => ParametersFile.Parse(".nuke/parameters.json", "{ \"Retries\": "));
        Assert.StartsWith(".nuke/parameters.json is not valid JSON", e.Message);
    }

    [Fact]
    public void Secret_values_are_registered_for_masking()
    {
        var secret = "pw-" + Guid.NewGuid().ToString("N");
        Bind(["--password", secret]);
        Assert.Contains(secret, Secrets.Values);
    }

    [Theory]
    [InlineData("600", 600)]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h", 3600)]
    [InlineData("250ms", 0.25)]
    [InlineData("00:10:00", 600)]
    [InlineData("1.00:00:00", 86400)]
    [InlineData(" 00:00:30 ", 30)]
    [InlineData("90.5", 90.5)]
    public void Durations_accept_clock_seconds_and_units(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ValueConverter.ParseTimeSpan(text));
    }
}
