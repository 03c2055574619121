using KanikoBuild.Prisma.Parameters;
using KanikoBuild.Prisma.Tests.Support;

namespace KanikoBuild.Prisma.Tests;

public sealed class ParametersTests
{
    [Theory]
    [InlineData(null, 600)]
    [InlineData("", 600)]
    [InlineData("90", 90)]
    [InlineData("90.5", 90.5)]
    [InlineData("00:10:00", 600)]
    [InlineData("1.00:00:00", 86400)]
    [InlineData(" 00:00:30 ", 30)]
    public void Scan_timeout_is_seconds_or_a_TimeSpan(string? value, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ScanParameters.ParseScanTimeout(value));

    [Theory]
    [InlineData("ten minutes")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("-00:01:00")]
    [InlineData("NaN")]
    public void A_bad_scan_timeout_is_one_clear_error(string value)
    {
        var error = Assert.Throws<PipelineException>(() => ScanParameters.ParseScanTimeout(value));
        Assert.Contains("--scan-timeout", error.Message);
    }

    [Fact]
    public void Plain_http_is_accepted_with_a_warning()
    {
        var log = new CapturedLog();
        var url = ScanParameters.ParseConsoleUrl("http://127.0.0.1:8083", log.Logger);
        Assert.Equal("http", url.Scheme);
        Assert.Contains(log.Lines, l => l.StartsWith("[Warning]") && l.Contains("plain http"));
        ScanParameters.ParseConsoleUrl("https://console.example.com:8083", log.Logger);
        Assert.Single(log.Lines);
    }

    [Fact]
    public void The_plain_http_warning_is_given_once_per_run_not_once_per_parse()
    {
        var log = new CapturedLog();
        for (var i = 0; i < 4; i++)
            ScanParameters.ParseConsoleUrl("http://127.0.0.1:8084", log.Logger);
        Assert.Single(log.Lines, l => l.Contains("plain http"));
        ScanParameters.ParseConsoleUrl("http://127.0.0.1:8085/tenant", log.Logger);
        Assert.Equal(2, log.Lines.Count(l => l.Contains("plain http")));
        var nextRun = new CapturedLog();
        ScanParameters.ParseConsoleUrl("http://127.0.0.1:8084", nextRun.Logger);
        Assert.Single(nextRun.Lines);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("console.example.com")]
    [InlineData("ftp://console.example.com")]
    [InlineData("https://user:pw@console.example.com")]
    [InlineData("https://console.example.com/?x=1")]
    [InlineData("https://console.example.com/api/v3")]
    public void A_bad_console_url_is_one_clear_error(string? value)
    {
        var error = Assert.Throws<PipelineException>(() => ScanParameters.ParseConsoleUrl(value, new CapturedLog().Logger));
        Assert.Contains("console", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(":pw@", error.Message);
    }

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
        var request = new Waiting.ScanWaitRequest { DevRegistry = devRegistry, Repository = image, Tag = "1", ManifestDigest = "sha256:" + new string('c', 64) };
        Assert.Equal(host, request.RegistryHost);
        Assert.Equal(repository, request.ConsoleRepository);
        Assert.Equal($"{host}/{repository}:1", request.ImageName);
    }

    [Theory]
    [InlineData("https://registry.example.com", "team/app", "1", "sha256:" + "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "--dev-registry")]
    [InlineData("r", "team/app:1", "1", "sha256:" + "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "--image")]
    [InlineData("r", "team/app", " ", "sha256:" + "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "--tag")]
    [InlineData("r", "team/app", "1", "sha256:abc", "--image-digest")]
    [InlineData("r", "team/app", "1", "latest", "--image-digest")]
    public void A_bad_image_is_one_clear_error(string devRegistry, string image, string tag, string digest, string parameter)
    {
        var request = new Waiting.ScanWaitRequest { DevRegistry = devRegistry, Repository = image, Tag = tag, ManifestDigest = digest };
        Assert.Contains(parameter, Assert.Throws<PipelineException>(request.Validate).Message);
    }
}
