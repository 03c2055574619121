using KanikoBuild.Prisma.Tests.Support;
using KanikoBuild.Prisma.Twistcli;
using KanikoBuild.Testing;

namespace KanikoBuild.Prisma.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TwistcliProviderTests
{
    [Fact]
    public async Task Downloads_twistcli_once_per_Console_version_into_the_cache_and_makes_it_executable()
    {
        using var temp = new TempDirectory();
        var binary = temp.Write("served/twistcli", "#!/bin/sh\necho twistcli stand-in\n");
        var arm = temp.Write("served/twistcli-arm64", "arm64 build");
        await using var scenario = await ConsoleScenario.StartAsync(o =>
        {
            o.TwistcliFiles = new() { ["linux"] = binary, ["linux-arm64"] = arm };
            o.PathPrefix = "/us-3-1";
        });
        using var client = scenario.Client(ConsoleScenario.CiUser); // a CI User may download
        var cache = temp.Combine("cache");
        var provider = new TwistcliProvider(client, cache, scenario.Log.Logger);

        var path = await scenario.Clock.RunAsync(provider.AcquireAsync(null, CancellationToken.None, TwistcliPlatform.LinuxAmd64));
        var again = await scenario.Clock.RunAsync(provider.AcquireAsync(null, CancellationToken.None, TwistcliPlatform.LinuxAmd64));
        var armPath = await scenario.Clock.RunAsync(provider.AcquireAsync(null, CancellationToken.None, TwistcliPlatform.LinuxArm64));

        Assert.Equal(Path.Combine(cache, "34.04.145", "twistcli"), path);
        Assert.Equal(path, again);
        Assert.Equal(await File.ReadAllTextAsync(binary), await File.ReadAllTextAsync(path));
        Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal("arm64 build", await File.ReadAllTextAsync(armPath));
        Assert.Equal(1, scenario.Control.CountRequests("GET", "/api/v1/util/twistcli"));
        Assert.Equal(1, scenario.Control.CountRequests("GET", "/api/v1/util/arm64/twistcli"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.partial"));
    }

    [Fact]
    public async Task A_failed_download_leaves_nothing_in_the_cache()
    {
        using var temp = new TempDirectory();
        await using var scenario = await ConsoleScenario.StartAsync(); // serves no twistcli: 404
        using var client = scenario.Client();
        var provider = new TwistcliProvider(client, temp.Combine("cache"), scenario.Log.Logger);

        var error = await Assert.ThrowsAsync<ComputeApiException>(() =>
            scenario.Clock.RunAsync(provider.AcquireAsync(null, CancellationToken.None, TwistcliPlatform.LinuxAmd64)));

        Assert.Equal(404, error.StatusCode);
        Assert.Empty(Directory.GetFiles(temp.Combine("cache"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_given_twistcli_path_must_exist_and_be_executable()
    {
        using var temp = new TempDirectory();
        var file = temp.Write("twistcli", "x");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Contains("does not exist", Assert.Throws<PipelineException>(() => TwistcliProvider.UseGiven(temp.Combine("missing"))).Message);
        Assert.Contains("not executable", Assert.Throws<PipelineException>(() => TwistcliProvider.UseGiven(file)).Message);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(file, TwistcliProvider.UseGiven(file));
    }
}
