using System.Diagnostics.CodeAnalysis;
using KanikoBuild.Engine.Output;
using KanikoBuild.Engine.Parameters;

namespace KanikoBuild.Engine.Tests;

/// <summary>A value that parses itself, as a digest or an image reference does.</summary>
public readonly record struct Port : IParsable<Port>
{
    public int Number { get; init; }

    public static Port Parse(string s, IFormatProvider? provider) =>
        TryParse(s, provider, out var port) ? port : throw new FormatException($"'{s}' is not a port (1-65535)");

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Port result)
    {
        result = int.TryParse(s, out var n) && n is > 0 and < 65536 ? new Port { Number = n } : default;
        return result.Number != 0;
    }
}

/// <summary>A reference-type value that parses itself and explains a bad value with a <see cref="PipelineException"/>.</summary>
public sealed record Host2 : IParsable<Host2>
{
    public required string Name { get; init; }

    public static Host2 Parse(string s, IFormatProvider? provider) =>
        s.Contains(' ', StringComparison.Ordinal) ? throw new PipelineException($"The host '{s}' is not a host name.") : new Host2 { Name = s };

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out Host2 result)
    {
        result = s is null || s.Contains(' ', StringComparison.Ordinal) ? null : new Host2 { Name = s };
        return result is not null;
    }
}

[ParameterGroup("The Console")]
public sealed record ConsoleRecord
{
    [Parameter("Console URL.", Name = "ConsoleUrl")] public Uri? Url { get; init; }
    [Parameter("Console password.", Name = "ConsolePassword")][Secret] public string? Password { get; init; }
    [Parameter("Port.", Name = "ConsolePort")] public Port? Port { get; init; }
    public string NotAParameter { get; init; } = "untouched";
}

[ParameterGroup("Registries")]
public sealed record RegistryRecord
{
    [Parameter("Dev registry.", Name = "DevRegistry")] public Host2? Dev { get; init; }
    [Parameter("Insecure registries.", Name = "InsecureRegistry")] public Host2[] Insecure { get; init; } = [];
    [Parameter("Tags.")] public string[] Tags { get; init; } = [];
}

/// <summary>A record of option records, as the pipeline's <c>PipelineOptions</c>.</summary>
public sealed record Bundle
{
    public ConsoleRecord Console { get; init; } = new();
    public RegistryRecord Registries { get; init; } = new();
}

public sealed class RecordBuild : NukeBuild
{
    [Parameter("The build's own.")] public readonly string? Filter;
    public readonly Bundle Options = new();

    // Computed: never bound (it would be a copy nobody reads), and never an error.
    public Bundle Copy => new();

    public Target Login => _ => _
        .Requires(() => Options.Console.Url, () => Options.Console.Password)
        .Executes(() => Serilog.Log.Information("login to {Url} port {Port} as {Password}", Options.Console.Url, Options.Console.Port?.Number, Options.Console.Password));

    public Target Push => _ => _
        .Requires(() => Options.Registries.Dev)
        .Executes(() => Serilog.Log.Information("push to {Dev} ({Count} insecure, {Tags} tags)", Options.Registries.Dev!.Name, Options.Registries.Insecure.Length, Options.Registries.Tags.Length));
}

/// <summary>The build's own input check, as the pipeline's preflight: it adds to what the engine found.</summary>
public sealed class CheckingBuild : NukeBuild
{
    public readonly Bundle Options = new();
    public static List<string> Seen { get; } = [];

    protected override Task CheckInputsAsync(InputProblems problems, CancellationToken ct)
    {
        Seen.Add(string.Join(",", ScheduledTargets));
        problems.Add(new ParameterName("DevRegistry", false), "the dev registry does not answer");
        problems.Add(new ParameterName("Tags", false), "'x y' is not a tag");
        return Task.CompletedTask;
    }

    public Target Push => _ => _.Executes(() => throw new InvalidOperationException("must not run"));
}

public sealed class DuplicateBuild : NukeBuild
{
    [Parameter("Twice.")] public readonly string? ConsoleUrl;
    public readonly ConsoleRecord Console = new();
}

[Collection(StaticLoggerCollection.Name)]
public sealed class OptionRecordTests
{
    static (RecordBuild Build, IReadOnlyList<string> Errors) Bind(string[] args, Dictionary<string, string>? environment = null, string? json = null)
    {
        var build = new RecordBuild();
        var file = json is null ? ParametersFile.Empty(".nuke/parameters.json") : ParametersFile.Parse(".nuke/parameters.json", json);
        var service = new ParameterService(ParsedArguments.Parse(args), environment ?? [], file, "/work/here", "/work/root");
        return (build, service.Bind(build, ParameterDescriptor.FromBuildType(typeof(RecordBuild))));
    }

    [Fact]
    public void Records_in_a_record_are_found_under_their_flat_names_and_computed_members_are_not()
    {
        var names = ParameterDescriptor.FromBuildType(typeof(RecordBuild)).Select(p => p.Name).ToList();
        // The build's own first, then each record's in declaration order, by name within a record.
        Assert.Equal(["Filter", "ConsolePassword", "ConsolePort", "ConsoleUrl", "DevRegistry", "InsecureRegistry", "Tags"], names);
    }

    [Fact]
    public void Init_only_properties_are_filled_from_the_command_line_the_environment_and_the_file()
    {
        var (build, errors) = Bind(
            ["--console-url", "https://console:8083", "--insecure-registry", "a", "b", "--tags", "1", " "],
            new Dictionary<string, string> { ["DEV_REGISTRY"] = "dev.example.com", ["NUKE_CONSOLE_PORT"] = "8083" },
            """{ "ConsolePassword": "from-file-password", "Filter": "Engine" }""");

        Assert.Empty(errors);
        Assert.Equal(new Uri("https://console:8083"), build.Options.Console.Url);
        Assert.Equal(8083, build.Options.Console.Port?.Number);
        Assert.Equal("from-file-password", build.Options.Console.Password);
        Assert.Equal("untouched", build.Options.Console.NotAParameter);
        Assert.Equal("dev.example.com", build.Options.Registries.Dev?.Name);
        Assert.Equal(["a", "b"], build.Options.Registries.Insecure.Select(h => h.Name));
        Assert.Equal(["1", " "], build.Options.Registries.Tags);
        Assert.Equal("Engine", build.Filter);
        Assert.Contains("from-file-password", Secrets.Values);
    }

    [Theory]
    [InlineData("--console-port", "99999", "Parameter 'ConsolePort' from the command line (--console-port): '99999' is not a port (1-65535).")]
    [InlineData("--dev-registry", "bad host", "Parameter 'DevRegistry' from the command line (--dev-registry): The host 'bad host' is not a host name.")]
    [InlineData("--console-url", "console:8083", "Parameter 'ConsoleUrl' from the command line (--console-url): 'console:8083' is not an absolute URL")]
    public void A_value_that_does_not_parse_itself_names_the_parameter_and_the_source(string name, string value, string expected)
    {
        var (_, errors) = Bind([name, value]);
        Assert.StartsWith(expected, Assert.Single(errors));
    }

    [Fact]
    public void A_blank_value_of_an_optional_self_parsing_type_is_not_given()
    {
        var (build, errors) = Bind([], new Dictionary<string, string> { ["DEV_REGISTRY"] = "", ["CONSOLE_URL"] = " ", ["CONSOLE_PORT"] = "", ["INSECURE_REGISTRY"] = "" });
        Assert.Empty(errors);
        Assert.Null(build.Options.Registries.Dev);
        Assert.Null(build.Options.Console.Url);
        Assert.Null(build.Options.Console.Port);
        Assert.Empty(build.Options.Registries.Insecure);
    }

    [Fact]
    public void Two_parameters_with_one_name_are_an_error_naming_both()
    {
        var error = Assert.Throws<PipelineException>(() => ParameterDescriptor.FromBuildType(typeof(DuplicateBuild)));
        Assert.Contains("'ConsoleUrl'", error.Message);
        Assert.Contains("ConsoleUrl and Console.Url", error.Message);
    }

    [Fact]
    public void Help_lists_a_records_parameters_under_its_group()
    {
        var parameters = ParameterDescriptor.FromBuildType(typeof(RecordBuild));
        var help = HelpText.Format([], [], parameters);
        var lines = help.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var console = lines.IndexOf("  The Console:");
        var registries = lines.IndexOf("  Registries:");
        Assert.True(console > lines.FindIndex(l => l.StartsWith("  --filter", StringComparison.Ordinal)));
        Assert.True(registries > console);
        Assert.StartsWith("  --console-password", lines[console + 1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("  --insecure-registry", StringComparison.Ordinal));
    }

    [Fact]
    public void A_requirement_on_a_record_names_the_parameter_and_how_to_give_it()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<RecordBuild>(["Login", "Push", "--no-logo"]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("3 inputs are wrong (found before building: nothing was built or pushed)", output);
        Assert.Contains("Target 'Login' requires member 'ConsoleUrl'; pass --console-url, set CONSOLE_URL or add \"ConsoleUrl\" to .nuke/parameters.json.", output);
        Assert.Contains("Target 'Login' requires member 'ConsolePassword'; it is a secret: set the environment variable CONSOLE_PASSWORD", output);
        Assert.Contains("Target 'Push' requires member 'DevRegistry'; pass --dev-registry", output);
    }

    [Fact]
    public void Values_that_do_not_convert_are_reported_with_the_builds_own_checks_and_nothing_runs()
    {
        CheckingBuild.Seen.Clear();
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<CheckingBuild>(["Push", "--no-logo", "--dev-registry", "bad host", "--console-port", "0"]);

        Assert.NotEqual(0, exitCode);
        Assert.Equal(["Push"], CheckingBuild.Seen);
        Assert.Contains("3 inputs are wrong (found before building: nothing was built or pushed):", output);
        Assert.Contains("  - Parameter 'DevRegistry' from the command line (--dev-registry): The host 'bad host' is not a host name.", output);
        Assert.Contains("  - Parameter 'ConsolePort' from the command line (--console-port): '0' is not a port (1-65535).", output);
        Assert.Contains("  - --tags: 'x y' is not a tag", output);
        // The check's own problem of a parameter whose value was already refused is not repeated.
        Assert.DoesNotContain("does not answer", output);
        Assert.DoesNotContain("must not run", output);
    }

    [Fact]
    public void With_right_values_the_records_reach_the_targets()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<RecordBuild>(["Login", "--no-logo", "--console-url", "https://console:8083", "--console-port", "8083"],
            new Dictionary<string, string> { ["CONSOLE_PASSWORD"] = "record-secret-1234" });

        Assert.Equal(0, exitCode);
        Assert.Contains("login to https://console:8083/ port 8083 as [REDACTED]", output);
        Assert.DoesNotContain("record-secret-1234", output);
    }
}
