namespace KanikoBuild.Engine.Tests;

/// <summary>A build whose target logs debug detail and whose login needs a secret, as the real targets do.</summary>
public sealed class DetailBuild : NukeBuild
{
    [Parameter("Console URL.")] readonly string? ConsoleUrl;
    [Parameter("Console password.")][Secret] readonly string? ConsolePassword;

    public Target Chatty => _ => _.Executes(() =>
    {
        Serilog.Log.Debug("GET /api/v1/version -> 200 (3 ms)");
        Serilog.Log.Information("scanned the image");
    });

    public Target Login => _ => _.Requires(() => ConsoleUrl, () => ConsolePassword).Executes(() => { });
}

/// <summary>What a user reads at the default verbosity: no debug noise, and advice that keeps secrets secret.</summary>
[Collection(StaticLoggerCollection.Name)]
public sealed class QuietDefaultsTests
{
    [Fact]
    public void Normal_verbosity_shows_no_debug_lines_but_the_log_file_and_verbose_keep_them()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<DetailBuild>(["Chatty", "--no-logo"]);
        Assert.Equal(0, exitCode);
        Assert.Contains("[INF] scanned the image", output);
        Assert.DoesNotContain("[DBG]", output);
        Assert.Contains("GET /api/v1/version -> 200", File.ReadAllText(root.Combine(".nuke", "temp", "build.log")));

        var (_, verbose) = root.Execute<DetailBuild>(["Chatty", "--no-logo", "--verbosity", "verbose"]);
        Assert.Contains("[DBG] GET /api/v1/version -> 200", verbose);

        var (_, minimal) = root.Execute<DetailBuild>(["Chatty", "--no-logo", "--verbosity", "minimal"]);
        Assert.DoesNotContain("scanned the image", minimal);
    }

    [Fact]
    public void A_missing_secret_is_asked_for_in_the_environment_only()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<DetailBuild>(["Login"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Target 'Login' requires member 'ConsolePassword'; it is a secret: set the environment variable CONSOLE_PASSWORD", output);
        Assert.DoesNotContain("--console-password", output);
        Assert.DoesNotContain("\"ConsolePassword\" to .nuke/parameters.json", output);
        // A plain parameter keeps all three ways.
        Assert.Contains("Target 'Login' requires member 'ConsoleUrl'; pass --console-url, set CONSOLE_URL or add \"ConsoleUrl\" to .nuke/parameters.json.", output);
    }
}
