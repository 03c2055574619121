using System.Text.Json;
using System.Text.Json.Nodes;
using KanikoBuild.ConsoleSimulator;
using KanikoBuild.Prisma.Results;
using KanikoBuild.Prisma.Tests.Support;

namespace KanikoBuild.Prisma.Tests;

public sealed class ComputeClientTests
{
    [Fact]
    public async Task Reads_the_version_without_quotes_under_a_SaaS_prefix_and_a_pinned_api_version()
    {
        await using var scenario = await ConsoleScenario.StartAsync(o => o.PathPrefix = "/us-3-123456789");
        using var client = scenario.Client(tune: o => o with { ApiVersion = "34.04" });

        var version = await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));

        Assert.Equal("34.04.145", version);
        Assert.Equal(new Uri(scenario.Simulator.Address, "us-3-123456789/api/v34.04"), client.Endpoint.ApiBase);
        Assert.Contains(scenario.SimulatorLines, l => l.Contains("GET /us-3-123456789/api/v34.04/version -> 200"));
        Assert.All(scenario.SimulatorLines, l => Assert.StartsWith("[Console SIMULATOR] ", l));
    }

    [Fact]
    public async Task Without_the_SaaS_prefix_the_404_is_not_retried_and_names_the_prefix()
    {
        await using var scenario = await ConsoleScenario.StartAsync(o => o.PathPrefix = "/us-3-123456789");
        using var client = scenario.Client(consoleUrl: scenario.Simulator.Address);

        var error = await Assert.ThrowsAsync<ComputeApiException>(() => scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None)));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("path prefix", error.Message);
        Assert.Equal(1, client.RequestsSent); // the authenticate call, once: 404 is an answer, not an accident
    }

    [Fact]
    public async Task Wrong_credentials_fail_at_once_naming_the_user_but_never_the_password()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        const string wrong = "Wr0ng-Canary-Pa55w0rd-e41d";
        using var client = scenario.Client(password: wrong);
        var start = scenario.Clock.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<ComputeApiException>(() => scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None)));

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("rejected the credentials of 'admin'", error.Message);
        Assert.Contains("--console-password", error.Message);
        Assert.Equal(1, scenario.Control.CountRequests("POST", "/api/v1/authenticate"));
        Assert.True(scenario.Clock.Time.GetUtcNow() - start < TimeSpan.FromSeconds(2), "no back-off on a 401");
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, scenario.AllOutput);
    }

    [Fact]
    public async Task A_CI_User_may_download_but_reading_registry_results_fails_naming_the_role_it_needs()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client(ConsoleScenario.CiUser);

        Assert.Equal("34.04.145", await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None)));
        var error = await Assert.ThrowsAsync<ComputeApiException>(() =>
            scenario.Clock.RunAsync(client.GetRegistryPageAsync(new RegistryQuery(Name: "x/y:z"), 0, CancellationToken.None)));

        Assert.Equal(403, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Contains("monitorImages", error.Message);
        Assert.Contains("DevSecOps User", error.Message);
        Assert.Contains("A CI User cannot", error.Message);
        Assert.Equal(1, scenario.Control.CountRequests("GET", "/api/v1/registry"));
    }

    [Fact]
    public async Task An_auditor_may_read_results_but_not_trigger_a_scan()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client(ConsoleScenario.AuditorUser);

        await scenario.Clock.RunAsync(client.GetRegistryPageAsync(new RegistryQuery(Name: "x/y:z"), 0, CancellationToken.None));
        var error = await Assert.ThrowsAsync<ComputeApiException>(() => scenario.Clock.RunAsync(
            client.TriggerRegistryScanAsync(new Api.ImageTagRequest("127.0.0.1:5000", "team/app", "1", ""), CancellationToken.None)));

        Assert.Contains("--trigger-scan false", error.Message);
    }

    [Fact]
    public async Task The_token_is_renewed_after_five_minutes_and_registered_as_a_secret()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();

        await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));
        var first = await client.GetTokenAsync(CancellationToken.None);
        scenario.Clock.Time.Advance(TimeSpan.FromMinutes(4));
        await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));
        Assert.Equal(1, client.Authentications);
        scenario.Clock.Time.Advance(TimeSpan.FromMinutes(1.5));
        await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));

        Assert.Equal(2, client.Authentications);
        Assert.NotEqual(first, await client.GetTokenAsync(CancellationToken.None));
        Assert.Contains(first, Secrets.Values);
    }

    [Fact]
    public async Task An_expired_token_is_replaced_once_on_401()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));

        scenario.Control.ExpireTokens();
        var version = await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));

        Assert.Equal("34.04.145", version);
        Assert.Equal(2, client.Authentications);
        Assert.Equal(1, scenario.Control.Requests.Count(r => r.Path == "/api/v1/version" && r.Status == 401));
    }

    [Fact]
    public async Task A_502_503_burst_is_retried_with_growing_back_off()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));
        scenario.Control.FailNext(2, 502, "/registry");
        scenario.Control.FailNext(2, 503, "/registry");
        var before = scenario.Clock.Time.GetUtcNow();

        var entries = await scenario.Clock.RunAsync(client.GetRegistryPageAsync(new RegistryQuery(Name: "x/y:z"), 0, CancellationToken.None));

        Assert.Empty(entries);
        Assert.Equal(5, scenario.Control.CountRequests("GET", "/api/v1/registry"));
        // Four exponential delays from 1 s with jitter: well over a second, well under the call timeout.
        var waited = scenario.Clock.Time.GetUtcNow() - before;
        Assert.InRange(waited, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(40));
        Assert.Equal(4, scenario.Log.Lines.Count(l => l.Contains("retry")));
    }

    [Fact]
    public async Task A_burst_longer_than_the_retries_becomes_a_transient_error()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client(tune: o => o with { MaxRetries = 2 });
        await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));
        scenario.Control.FailNext(10, 503, "/registry");

        var error = await Assert.ThrowsAsync<ComputeApiException>(() =>
            scenario.Clock.RunAsync(client.GetRegistryPageAsync(new RegistryQuery(Name: "x/y:z"), 0, CancellationToken.None)));

        Assert.True(error.IsTransient);
        Assert.Contains("503", error.Message);
        Assert.Equal(3, scenario.Control.CountRequests("GET", "/api/v1/registry"));
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_honoured()
    {
        await using var scenario = await ConsoleScenario.StartAsync(o =>
            o.RateLimit = new RateLimitOptions { Requests = 3, Window = TimeSpan.FromSeconds(30), SendRetryAfter = true });
        using var client = scenario.Client(tune: o => o with { RateLimitRequests = 100 });
        var query = new RegistryQuery(Name: "x/y:z");
        for (var i = 0; i < 3; i++)
            await scenario.Clock.RunAsync(client.GetRegistryPageAsync(query, 0, CancellationToken.None));
        var before = scenario.Clock.Time.GetUtcNow();

        await scenario.Clock.RunAsync(client.GetRegistryPageAsync(query, 0, CancellationToken.None));

        var waited = scenario.Clock.Time.GetUtcNow() - before;
        Assert.Equal(1, scenario.Control.Requests.Count(r => r.Status == 429));
        Assert.InRange(waited, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(32));
    }

    [Fact]
    public async Task A_429_without_Retry_After_backs_off_until_the_window_frees()
    {
        await using var scenario = await ConsoleScenario.StartAsync(o =>
            o.RateLimit = new RateLimitOptions { Requests = 3, Window = TimeSpan.FromSeconds(30), SendRetryAfter = false });
        using var client = scenario.Client(tune: o => o with { RateLimitRequests = 100, MaxRetries = 8 });
        var query = new RegistryQuery(Name: "x/y:z");
        for (var i = 0; i < 4; i++)
            await scenario.Clock.RunAsync(client.GetRegistryPageAsync(query, 0, CancellationToken.None));

        Assert.Equal(4, scenario.Control.Requests.Count(r => r.Path == "/api/v1/registry" && r.Status == 200));
        Assert.InRange(scenario.Control.Requests.Count(r => r.Status == 429), 1, 8);
    }

    [Fact]
    public async Task The_client_budget_keeps_a_burst_of_requests_under_the_Console_limit()
    {
        await using var scenario = await ConsoleScenario.StartAsync(); // the documented 30 per 30 s
        using var client = scenario.Client(); // default budget: 30 per 60 s, authentication included
        var query = new RegistryQuery(Name: "x/y:z");
        var start = scenario.Clock.Time.GetUtcNow();

        for (var i = 0; i < 45; i++)
            await scenario.Clock.RunAsync(client.GetRegistryPageAsync(query, 0, CancellationToken.None));

        Assert.Equal(0, scenario.Control.Requests.Count(r => r.Status == 429));
        Assert.Equal(46, client.RequestsSent);
        Assert.True(scenario.Clock.Time.GetUtcNow() - start >= TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_slow_answer_times_out_and_is_tried_again()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client(tune: o => o with { AttemptTimeout = TimeSpan.FromSeconds(10) });
        await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));
        scenario.Control.SlowNext(1, TimeSpan.FromMinutes(2), "/registry");

        var entries = await scenario.Clock.RunAsync(client.GetRegistryPageAsync(new RegistryQuery(Name: "x/y:z"), 0, CancellationToken.None));

        Assert.Empty(entries);
        Assert.Contains(scenario.Log.Lines, l => l.Contains("TimeoutRejectedException"));
    }

    [Theory]
    [InlineData(FaultKind.Malformed)]
    [InlineData(FaultKind.Truncated)]
    public async Task A_body_that_is_not_JSON_is_tried_again(FaultKind kind)
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));
        scenario.Control.SeedResult(SeededResult("127.0.0.1:5000", "team/app", "1", "sha256:" + new string('a', 64)));
        scenario.Control.CorruptNext(2, kind, "/registry");

        var entries = await scenario.Clock.RunAsync(client.GetRegistryPageAsync(new RegistryQuery(Name: "127.0.0.1:5000/team/app:1"), 0, CancellationToken.None));

        Assert.Single(entries);
        Assert.Equal(3, scenario.Control.CountRequests("GET", "/api/v1/registry"));
    }

    [Fact]
    public async Task Registry_results_are_paged_by_50()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        for (var i = 0; i < 120; i++)
            scenario.Control.SeedResult(SeededResult("127.0.0.1:5000", "team/app", $"t{i:000}", "sha256:" + i.ToString("x64")));

        var all = await scenario.Clock.RunAsync(client.GetRegistryResultsAsync(new RegistryQuery(Registry: "127.0.0.1:5000", Repository: "team/app"), CancellationToken.None));

        Assert.Equal(120, all.Count);
        Assert.Equal(120, all.Select(e => e.RepoTag!.Tag).Distinct().Count());
        Assert.Equal(3, scenario.Control.CountRequests("GET", "/api/v1/registry"));
    }

    [Fact]
    public async Task Progress_is_an_empty_list_when_nothing_runs()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();

        var progress = await scenario.Clock.RunAsync(client.GetRegistryProgressAsync("127.0.0.1:5000", "team/app", "1", null, CancellationToken.None));

        Assert.Empty(progress);
    }

    [Fact]
    public async Task CI_scan_results_are_read_raw()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        using var http = new HttpClient();
        var token = await scenario.Clock.RunAsync(client.GetTokenAsync(CancellationToken.None));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(scenario.Simulator.ConsoleUrl, "api/v1/simulator/twistcli-scan"))
        {
            Content = JsonContent("""{"reportId":"r-1","osDistro":"alpine","osDistroRelease":"3.19","packages":[{"type":"os","name":"openssl","version":"1.1.1k-r0","path":"/lib/apk/db/installed"}],"publish":true,"jobName":"job-7"}"""),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var scans = await scenario.Clock.RunAsync(client.GetCiScansAsync("job-7", null, CancellationToken.None));

        var scan = Assert.Single(scans);
        Assert.False(scan.GetProperty("pass").GetBoolean());
        Assert.Equal(2, scan.GetProperty("entityInfo").GetProperty("vulnerabilities").GetArrayLength());
    }

    internal static JsonObject SeededResult(string registry, string repo, string tag, string digest, string? severity = null, DateTimeOffset? scanTime = null) => new()
    {
        ["_id"] = "sha256:" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
        ["id"] = "sha256:" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
        ["repoTag"] = new JsonObject { ["registry"] = registry, ["repo"] = repo, ["tag"] = tag, ["digest"] = digest },
        ["repoDigests"] = new JsonArray($"{registry}/{repo}@{digest}"),
        ["scanTime"] = (scanTime ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToString("O"),
        ["vulnerabilities"] = severity is null ? new JsonArray() : new JsonArray(new JsonObject { ["id"] = 46, ["cve"] = "CVE-2099-0001", ["severity"] = severity }),
        ["vulnerabilityDistribution"] = new JsonObject { ["critical"] = severity == "critical" ? 1 : 0, ["high"] = 0, ["medium"] = 0, ["low"] = 0, ["total"] = severity is null ? 0 : 1 },
    };

    static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
