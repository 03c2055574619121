using KanikoBuild.Prisma.Tests.Support;
using KanikoBuild.Prisma.Waiting;
using KanikoBuild.Registry;

namespace KanikoBuild.Prisma.Tests;

/// <summary>
/// The Compute parameters once the engine has typed them: the Console URL's own rules, the wait's defaults, and
/// what a wait request cannot say in its types. (How text becomes a TimeSpan or a Uri is the engine's, tested there.)
/// </summary>
public sealed class ParametersTests
{
    [Fact]
    public void The_wait_defaults_to_ten_minutes_and_triggers_the_scan()
    {
        var options = new ScanWaitOptions();
        Assert.Equal(TimeSpan.FromMinutes(10), options.ScanTimeout);
        Assert.True(options.TriggerScan);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(-60)]
    public void A_scan_timeout_that_is_not_positive_is_one_clear_error(double seconds)
    {
        var request = Request() with { Timeout = TimeSpan.FromSeconds(seconds) };
        var error = Assert.Throws<PipelineException>(request.Validate);
        Assert.Contains("--scan-timeout", error.Message);
    }

    [Fact]
    public void Plain_http_is_accepted_with_a_warning()
    {
        var log = new CapturedLog();
        var url = ConsoleAddress.Check(new Uri("http://127.0.0.1:8083"), log.Logger);
        Assert.Equal("http", url.Scheme);
        Assert.Contains(log.Lines, l => l.StartsWith("[Warning]") && l.Contains("plain http") && l.Contains("--console-url"));
        ConsoleAddress.Check(new Uri("https://console.example.com:8083"), log.Logger);
        Assert.Single(log.Lines);
    }

    [Fact]
    public void The_plain_http_warning_is_given_once_per_run_not_once_per_check()
    {
        var log = new CapturedLog();
        for (var i = 0; i < 4; i++)
            ConsoleAddress.Check(new Uri("http://127.0.0.1:8084"), log.Logger);
        Assert.Single(log.Lines, l => l.Contains("plain http"));
        ConsoleAddress.Check(new Uri("http://127.0.0.1:8085/tenant"), log.Logger);
        Assert.Equal(2, log.Lines.Count(l => l.Contains("plain http")));
        var nextRun = new CapturedLog();
        ConsoleAddress.Check(new Uri("http://127.0.0.1:8084"), nextRun.Logger);
        Assert.Single(nextRun.Lines);
    }

    [Theory]
    [InlineData("console.example.com")]
    [InlineData("ftp://console.example.com")]
    [InlineData("https://user:pw@console.example.com")]
    [InlineData("https://console.example.com/?x=1")]
    [InlineData("https://console.example.com/api/v3")]
    public void A_bad_console_url_is_one_clear_error(string value)
    {
        var error = Assert.Throws<PipelineException>(() => ConsoleAddress.Check(new Uri(value, UriKind.RelativeOrAbsolute), new CapturedLog().Logger));
        Assert.Contains("console", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(":pw@", error.Message);
    }

    [Theory]
    [InlineData("https://console.example.com:8083", "https://console.example.com:8083")]
    [InlineData("https://us-west1.cloud.twistlock.com/us-3-123456789/", "https://us-west1.cloud.twistlock.com/us-3-123456789")]
    public void Twistcli_gets_the_console_url_with_its_prefix_and_without_a_trailing_slash(string url, string expected) =>
        Assert.Equal(expected, ConsoleAddress.ForTwistcli(new Uri(url)));

    [Theory]
    [InlineData("https://console.example.com:8083", null, "https://console.example.com:8083/api/v1")]
    [InlineData("https://us-west1.cloud.twistlock.com/us-3-123456789", null, "https://us-west1.cloud.twistlock.com/us-3-123456789/api/v1")]
    [InlineData("https://us-west1.cloud.twistlock.com/us-3-123456789/", "34.04", "https://us-west1.cloud.twistlock.com/us-3-123456789/api/v34.04")]
    [InlineData("https://host/tenant/api/v34.04", null, "https://host/tenant/api/v34.04")]
    [InlineData("https://host/tenant/api/v1/", "v32.07", "https://host/tenant/api/v32.07")]
    public void The_api_base_keeps_the_SaaS_prefix_and_the_pinned_version(string console, string? version, string expected)
    {
        var endpoint = ConsoleEndpoint.Create(new Uri(console), version);
        Assert.Equal(expected, endpoint.ApiBase.ToString());
        Assert.Equal(expected + "/util/twistcli", endpoint.Route("util/twistcli").ToString());
    }

    [Fact]
    public void A_bad_api_version_is_one_clear_error() =>
        Assert.Contains("API version", Assert.Throws<PipelineException>(() => ConsoleEndpoint.Create(new Uri("https://h"), "34")).Message);

    [Theory]
    [InlineData("registry.example.com", "team/app", "registry.example.com", "team/app")]
    [InlineData("registry.example.com:5000/dev", "team/app", "registry.example.com:5000", "dev/team/app")]
    [InlineData("registry.example.com/a/b/", "/app", "registry.example.com", "a/b/app")]
    public void The_dev_registry_prefix_becomes_part_of_the_Console_repository(string devRegistry, string image, string host, string repository)
    {
        var request = Request() with { DevRegistry = RegistrySpec.Parse(devRegistry), Repository = image };
        Assert.Equal(host, request.RegistryHost);
        Assert.Equal(repository, request.ConsoleRepository);
        Assert.Equal($"{host}/{repository}:1", request.ImageName);
    }

    [Theory]
    [InlineData("team/app:1", "1", true, "--image")]
    [InlineData("team/app@sha256:abc", "1", true, "--image")]
    [InlineData("team/app", " ", true, "--tag")]
    [InlineData("team/app", "1", false, "--image-digest")]
    public void A_bad_image_is_one_clear_error(string image, string tag, bool withDigest, string parameter)
    {
        var request = Request() with { Repository = image, Tag = tag, ManifestDigest = withDigest ? Request().ManifestDigest : default };
        Assert.Contains(parameter, Assert.Throws<PipelineException>(request.Validate).Message);
    }

    static ScanWaitRequest Request() => new()
    {
        DevRegistry = RegistrySpec.Parse("r"), Repository = "team/app", Tag = "1", ManifestDigest = Digest.Parse("sha256:" + new string('c', 64)),
    };
}
