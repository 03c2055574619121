using System.Net;
using System.Text;
using System.Text.Json;
using KanikoBuild.Prisma.Api;
using KanikoBuild.Prisma.Results;
using KanikoBuild.Prisma.Tests.Support;

namespace KanikoBuild.Prisma.Tests;

/// <summary>
/// The Console's awkward JSON read through Refit's settings into the models, by the one lenient reader of a registry
/// entry; and a 2xx of the wrong shape failing as a malformed answer, not as a crash.
/// </summary>
public sealed class ConsoleJsonTests
{
    const string Digest = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    // Older spellings (repository, imageID), numbers as strings and strings as numbers, Unix-second times, a
    // riskFactors map, fields nobody asked for, and elements that are not entries at all.
    static readonly string s_awkwardPage = $$$"""
        [
          {
            "_id": "sha256:cccc", "imageID": "sha256:dddd", "someFutureField": {"x": [1, 2]},
            "repoTag": {"registry": "127.0.0.1:5000", "repository": "team/app", "tag": 7, "digest": "{{{Digest}}}"},
            "scanTime": 1767225600, "creationTime": "2025-12-31T23:00:00Z",
            "vulnerabilityDistribution": {"critical": "2", "high": 0, "medium": null, "low": 1, "total": "3"},
            "vulnerabilities": [
              {"id": 46, "cve": "CVE-2099-0001", "severity": "unimportant", "cvss": "7.5", "published": "1558067340",
               "riskFactors": {"Attack vector: network": {}, "Has fix": {}}, "status": "fixed in 1.2.3"}
            ],
          },
          7,
          null
        ]
        """;

    [Fact]
    public void Registry_entries_are_read_leniently_into_the_model_and_agree_with_the_scan_result()
    {
        var page = JsonSerializer.Deserialize<List<RegistryScanEntry?>>(s_awkwardPage, ComputeApiSettings.Json)!;

        var entry = Assert.Single(page.OfType<RegistryScanEntry>());
        Assert.Equal(3, page.Count);
        Assert.Equal(new ImageTag("127.0.0.1:5000", "team/app", "7", Digest, null), entry.RepoTag);
        Assert.Equal("sha256:dddd", entry.ImageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), entry.ScanTime);
        Assert.Equal(new VulnerabilityDistribution(2, 0, 0, 1, 3), entry.Distribution);
        Assert.Contains(Digest, entry.ManifestDigests);

        var result = entry.ToScanResult();
        Assert.Equal(Digest, result.Digest);
        Assert.Equal("127.0.0.1:5000/team/app:7", result.ImageName);
        Assert.Equal(entry.ScanTime, result.ScanTime);
        var vulnerability = Assert.Single(result.Vulnerabilities);
        Assert.Equal("CVE-2099-0001", vulnerability.Id);
        Assert.Equal(7.5, vulnerability.Cvss);
        Assert.Equal(["Attack vector: network", "Has fix"], vulnerability.RiskFactors);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1558067340), vulnerability.Published);
    }

    [Fact]
    public void Progress_counts_written_as_strings_are_read()
    {
        var progress = JsonSerializer.Deserialize<List<ScanProgress?>>(
            """[{"isScanOngoing": "true", "imageScan": {"scanned": "1", "total": 3, "title": "team/app:1"}}, "noise"]""", ComputeApiSettings.Json)!;

        Assert.Equal(new ScanProgress(true, 1, 3, null, "team/app:1"), Assert.Single(progress.OfType<ScanProgress>()));
    }

    [Fact]
    public async Task A_success_whose_JSON_is_not_the_shape_expected_is_a_malformed_answer_naming_the_call()
    {
        var clock = new FakeClock();
        var log = new CapturedLog();
        using var transport = new InMemoryConsole(path => path.EndsWith("/registry", StringComparison.Ordinal) ? """{"not": "an array"}""" : null);
        using var client = new ComputeClient(
            new ComputeClientOptions { ConsoleUrl = new Uri("http://console.test:8083"), Username = "admin", Password = "Json-Canary-Pa55w0rd-0c1d" },
            clock.Time, log.Logger, transport);

        var error = await Assert.ThrowsAsync<ComputeApiException>(() => clock.RunAsync(client.GetRegistryPageAsync(new RegistryQuery(Name: "x/y:z"), 0, CancellationToken.None)));

        Assert.Equal(ConsoleProblem.MalformedAnswer, error.Problem);
        Assert.True(error.IsTransient);
        Assert.Contains("GET /registry", error.Message);
        Assert.Contains("http://console.test:8083", error.Message);
        Assert.DoesNotContain("Json-Canary-Pa55w0rd-0c1d", error.ToString());
    }

    /// <summary>Answers /authenticate with a token, and other routes with what the test says (404 for null).</summary>
    sealed class InMemoryConsole(Func<string, string?> body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var path = request.RequestUri!.AbsolutePath;
            var json = path.EndsWith("/authenticate", StringComparison.Ordinal) ? """{"token": "in-memory-token"}""" : body(path);
            return Task.FromResult(json is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request }
                : new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}
