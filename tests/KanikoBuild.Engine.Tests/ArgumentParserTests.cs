using KanikoBuild.Engine.Parameters;

namespace KanikoBuild.Engine.Tests;

public sealed class ArgumentParserTests
{
    [Fact]
    public void Leading_tokens_are_targets_and_switches_take_values_up_to_the_next_switch()
    {
        var parsed = ParsedArguments.Parse(["PushDev", "AwaitScan", "--destination", "a", "b", "--no-logo"]);
        Assert.Equal(["PushDev", "AwaitScan"], parsed.Positional);
        Assert.Equal(["a", "b"], parsed.Get("Destination"));
        Assert.Equal([], parsed.Get("NoLogo"));
        Assert.Null(parsed.Get("Image"));
    }

    [Fact]
    public void Names_ignore_case_and_dashes_and_the_last_occurrence_wins()
    {
        var parsed = ParsedArguments.Parse(["--Console-URL", "one", "--consoleurl", "two"]);
        Assert.Equal(["two"], parsed.Get("ConsoleUrl"));
        Assert.True(parsed.Has("console-url"));
    }

    [Fact]
    public void Equals_form_and_negative_numbers_are_values()
    {
        var parsed = ParsedArguments.Parse(["--build-args=A=1", "B=2", "--offset", "-5"]);
        Assert.Equal(["A=1", "B=2"], parsed.Get("BuildArgs"));
        Assert.Equal(["-5"], parsed.Get("Offset"));
    }

    [Fact]
    public void Boolean_switches_take_only_a_literal_and_leave_targets_alone()
    {
        var booleans = new HashSet<string> { "NOLOGO", "OVERWRITETAGS" };
        var parsed = ParsedArguments.Parse(["--no-logo", "Test", "Pack", "--overwrite-tags", "false", "Promote"], booleans);
        Assert.Equal(["Test", "Pack", "Promote"], parsed.Positional);
        Assert.Equal([], parsed.Get("NoLogo"));
        Assert.Equal(["false"], parsed.Get("OverwriteTags"));
    }

    [Theory]
    [InlineData("ConsoleUrl", "console-url")]
    [InlineData("DevRegistryPassword", "dev-registry-password")]
    [InlineData("HTTPProxy", "http-proxy")]
    [InlineData("NoLogo", "no-logo")]
    [InlineData("Sha256Digest", "sha256-digest")]
    public void Member_names_become_kebab_case_switches(string member, string expected)
    {
        Assert.Equal(expected, NameCase.ToKebab(member));
    }
}
