using KanikoBuild.Prisma.Tests.Support;
using KanikoBuild.Prisma.Waiting;
using KanikoBuild.Registry;
using KanikoBuild.Testing;

namespace KanikoBuild.Prisma.Tests;

/// <summary>
/// A Console that is never reached (a closed port, a name that does not resolve, TLS against a plain-HTTP port)
/// ends AwaitScan within about a minute with one line naming the URL and the cause; a Console that answered and
/// then went away is waited for until the deadline, and the timeout names the outage. All in fake time.
/// </summary>
public sealed class UnreachableConsoleTests
{
    const string Digest = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    static ScanWaitRequest Request(TimeSpan? timeout = null) => new()
    {
        DevRegistry = RegistrySpec.Parse("127.0.0.1:5000/dev"),
        Repository = "team/app",
        Tag = "1.0",
        ManifestDigest = KanikoBuild.Registry.Digest.Parse(Digest),
        Timeout = timeout ?? TimeSpan.FromSeconds(600),
    };

    static ComputeClientOptions Console(string consoleUrl) =>
        new() { ConsoleUrl = ConsoleAddress.Check(new Uri(consoleUrl)), Username = ConsoleScenario.Admin, Password = ConsoleScenario.AdminPassword };

    static async Task<(ComputeApiException Error, TimeSpan Waited, CapturedLog Log)> WaitAndFailAsync(string consoleUrl)
    {
        var clock = new FakeClock();
        var log = new CapturedLog();
        var start = clock.Time.GetUtcNow();
        var error = await Assert.ThrowsAsync<ComputeApiException>(() => clock.RunAsync(
            AwaitScanCommand.WaitAsync(Request(), Console(consoleUrl), CancellationToken.None, clock.Time, log.Logger, clock.Transport)));
        return (error, clock.Time.GetUtcNow() - start, log);
    }

    static void AssertOneLineNaming(ComputeApiException error, string consoleUrl, string cause)
    {
        Assert.False(error.IsTransient);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains($"The Console at {consoleUrl}", error.Message);
        Assert.Contains(cause, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("registry-scanning scope", error.Message);
        Assert.DoesNotContain(ConsoleScenario.AdminPassword, error.ToString());
    }

    [Fact]
    public async Task A_closed_port_ends_the_wait_within_about_a_minute_naming_the_url_and_the_refusal()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}/";

        var (error, waited, log) = await WaitAndFailAsync(url);

        AssertOneLineNaming(error, url, "connection refused");
        Assert.Equal(ConsoleProblem.ConnectionRefused, error.Problem);
        Assert.Contains("no answer since the start", error.Message);
        Assert.Contains("--console-url", error.Message);
        // Tried for the reachability window (30 s), the back-off cut to it; never the 10-minute scan timeout.
        Assert.InRange(waited, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(35));
        var retries = log.Lines.Count(l => l.StartsWith("[Warning]", StringComparison.Ordinal) && l.Contains("/api/v1/authenticate\"; retry", StringComparison.Ordinal));
        Assert.InRange(retries, 2, 8);
        Assert.DoesNotContain(log.Lines, l => l.Contains("Polling the Console failed"));
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_ends_the_wait_naming_DNS()
    {
        const string url = "http://console.kanikobuild.invalid:8083/";

        var (error, waited, _) = await WaitAndFailAsync(url);

        AssertOneLineNaming(error, url, "does not resolve");
        Assert.Equal(ConsoleProblem.Dns, error.Problem);
        Assert.Contains("DNS", error.Message);
        Assert.True(waited < TimeSpan.FromSeconds(75), $"waited {waited}");
    }

    [Fact]
    public async Task Https_against_a_plain_HTTP_port_fails_at_once_naming_TLS_and_the_way_out()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        var url = $"https://127.0.0.1:{scenario.Simulator.Address.Port}/";

        var (error, waited, _) = await WaitAndFailAsync(url);

        AssertOneLineNaming(error, url, "TLS handshake failed");
        Assert.Equal(ConsoleProblem.Tls, error.Problem);
        Assert.Contains("--console-ca-cert", error.Message);
        Assert.Contains("http://", error.Message);
        // A certificate does not fix itself: no back-off at all.
        Assert.True(waited < TimeSpan.FromSeconds(2), $"waited {waited}");
    }

    [Fact]
    public async Task A_Console_that_answered_and_then_went_away_is_waited_for_and_the_timeout_names_the_outage()
    {
        // Disposed once, by hand: stopping the simulator is the outage.
        var scenario = await ConsoleScenario.StartAsync();
        using var client = scenario.Client();
        try
        {
            await scenario.Clock.RunAsync(client.GetVersionAsync(CancellationToken.None));
        }
        finally
        {
            await scenario.DisposeAsync();
        }
        var request = Request(TimeSpan.FromMinutes(3));
        var start = scenario.Clock.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            scenario.Clock.RunAsync(new ScanWaiter(client, scenario.Clock.Time, scenario.Log.Logger).WaitAsync(request, CancellationToken.None)));

        // Ridden out to the deadline: an outage, not a set-up problem.
        Assert.InRange(scenario.Clock.Time.GetUtcNow() - start, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3.1));
        Assert.Contains(scenario.Log.Lines, l => l.Contains("Polling the Console failed"));
        Assert.Contains("has given no usable answer since", error.Message);
        Assert.Contains(scenario.Simulator.ConsoleUrl.ToString().TrimEnd('/'), error.Message);
        Assert.DoesNotContain("registry-scanning scope", error.Message);
    }
}
