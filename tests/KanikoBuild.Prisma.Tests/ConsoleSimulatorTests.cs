using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using KanikoBuild.ConsoleSimulator;
using KanikoBuild.ConsoleSimulator.Scanning;
using KanikoBuild.Prisma.Tests.Support;
using KanikoBuild.Testing;

namespace KanikoBuild.Prisma.Tests;

/// <summary>The simulator itself: faithful shapes (prisma.md §1.5, §2.3), real registry scans, the program form.</summary>
public sealed class ConsoleSimulatorTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    [Theory]
    [InlineData("1.1.1k-r0", "<1.1.1w-r0", true)]
    [InlineData("1.1.1w-r0", "<1.1.1w-r0", false)]
    [InlineData("1.1.1w-r1", "<1.1.1w-r0", false)]
    [InlineData("3.0.2-r0", ">=3.0.0,<3.0.7-r0", true)]
    [InlineData("3.0.7-r0", ">=3.0.0,<3.0.7-r0", false)]
    [InlineData("1.10.0-r0", "<1.9.0-r0", false)]
    [InlineData("6.3_p20220521-r0", "<6.4_p20230506-r0", true)]
    [InlineData("2.38-r1", "2.38-r1", true)]
    public void Apk_versions_compare_as_a_feed_needs(string version, string expression, bool affected) =>
        Assert.Equal(affected, ApkVersion.Satisfies(version, expression));

    [Fact]
    public async Task A_registry_scan_pulls_the_image_and_stores_a_documented_ImageScanResult()
    {
        await using var scenario = await ConsoleScenario.StartAsync(o => o.ScanDuration = TimeSpan.Zero);
        var image = await TestImage.PushAsync(fixture.Registry.Host, "team/shape", "7", TestImage.Critical);
        using var client = scenario.Client();

        await scenario.Clock.RunAsync(client.TriggerRegistryScanAsync(new Api.ImageTagRequest(image.Registry, image.Repository, image.Tag, ""), CancellationToken.None));
        var deadline = Stopwatch.StartNew();
        while (scenario.Control.Results.Count == 0 && deadline.Elapsed < TimeSpan.FromSeconds(20))
            await Task.Delay(20);

        var result = Assert.Single(scenario.Control.Results);
        Assert.Equal(image.ConfigDigest, result["_id"]!.GetValue<string>());
        Assert.Equal(image.ConfigDigest, result["id"]!.GetValue<string>());
        Assert.Equal(image.ManifestDigest, result["repoTag"]!["digest"]!.GetValue<string>());
        Assert.Equal($"{image.Registry}/team/shape@{image.ManifestDigest}", result["repoDigests"]![0]!.GetValue<string>());
        Assert.Equal("alpine", result["osDistro"]!.GetValue<string>());
        var vulnerabilities = result["vulnerabilities"]!.AsArray();
        Assert.Equal(3, vulnerabilities.Count); // openssl critical + high, busybox medium
        Assert.All(vulnerabilities, v =>
        {
            Assert.Equal(JsonValueKind.Number, v!["id"]!.GetValueKind()); // the rule id; the CVE is in "cve"
            Assert.StartsWith("CVE-", v["cve"]!.GetValue<string>());
            Assert.Equal(JsonValueKind.Number, v["published"]!.GetValueKind());
            Assert.Equal(JsonValueKind.Object, v["riskFactors"]!.GetValueKind());
        });
        Assert.Equal(1L, result["vulnerabilityDistribution"]!["critical"]!.GetValue<long>());
        Assert.Equal(3L, result["vulnerabilityDistribution"]!["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Twistcli_scans_answer_in_the_output_file_shape_and_a_CI_User_may_run_them()
    {
        await using var scenario = await ConsoleScenario.StartAsync(o => o.Fields = new FieldVariants { PluralScanPassed = true });
        using var client = scenario.Client(ConsoleScenario.CiUser);
        var token = await scenario.Clock.RunAsync(client.GetTokenAsync(CancellationToken.None));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(scenario.Simulator.ConsoleUrl, "api/v1/simulator/twistcli-scan?project=p1"))
        {
            Content = JsonContent.Create(new
            {
                reportId = "report-42",
                osDistro = "alpine",
                osDistroRelease = "3.19",
                packages = new[] { new { type = "os", name = "libuuid", version = "2.38-r1", path = "/lib/apk/db/installed" }, new { type = "os", name = "expat", version = "2.4.0-r0", path = "/lib/apk/db/installed" } },
                publish = false,
                jobName = (string?)null,
            }),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(result["vulnerabilitiesScanPassed"]!.GetValue<bool>()); // only moderate and negligible
        Assert.Null(result["vulnerabilityScanPassed"]);
        Assert.Equal(["CVE-2022-0563", "CVE-2022-43680"], result["vulnerabilities"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()).Order());
        Assert.Equal(["moderate", "negligible"], result["vulnerabilities"]!.AsArray().Select(v => v!["severity"]!.GetValue<string>()).Order());
        Assert.Empty(scenario.Control.CiScans); // publish=false
    }

    [Fact]
    public async Task Runs_as_a_program_from_a_scenario_file_with_labelled_lines_and_control_endpoints()
    {
        using var temp = new TempDirectory();
        var scenario = temp.Write("scenario.json", """
            {
              "pathPrefix": "/tenant-1",
              "consoleVersion": "34.04.145",
              "users": [ { "username": "admin", "password": "pw-admin-1234", "role": "admin" } ],
              "scanDuration": "00:00:01",
              "rateLimit": { "requests": 30, "window": "00:00:30", "sendRetryAfter": true },
              "faults": [ { "kind": "status", "status": 502, "count": 1, "path": "/version" } ],
            }
            """);
        var port = FreePort.Next();
        var dll = Path.Combine(AppContext.BaseDirectory, "KanikoBuild.ConsoleSimulator.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { dll, "--scenario", scenario, "--urls", $"http://127.0.0.1:{port}" })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!lines.Any(l => l.Contains("console URL")) && deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
                await Task.Delay(50);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/tenant-1/") };
            var token = (await (await http.PostAsJsonAsync("api/v1/authenticate", new { username = "admin", password = "pw-admin-1234" })).Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);

            Assert.Equal(HttpStatusCode.BadGateway, (await http.GetAsync("api/v1/version")).StatusCode);
            Assert.Equal("\"34.04.145\"", await http.GetStringAsync("api/v34.04/version"));
            await http.PostAsJsonAsync("simulator/results", ComputeClientTests.SeededResult("r:5000", "team/app", "1", "sha256:" + new string('d', 64)));
            Assert.Single(JsonNode.Parse(await http.GetStringAsync("api/v1/registry?name=r:5000/team/app:1"))!.AsArray());
            var requests = JsonNode.Parse(await http.GetStringAsync("simulator/requests"))!.AsArray();
            Assert.Contains(requests, r => r!["path"]!.GetValue<string>() == "/api/v1/registry");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith("[Console SIMULATOR]", l));
        Assert.DoesNotContain(lines, l => l.Contains("pw-admin-1234"));
    }
}
