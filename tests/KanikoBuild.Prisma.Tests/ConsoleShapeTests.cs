using System.Net;
using System.Text;
using KanikoBuild.Prisma.Api;
using KanikoBuild.Prisma.Tests.Support;

namespace KanikoBuild.Prisma.Tests;

/// <summary>
/// Console bodies that are well-formed JSON but not the shape the client expects, on every endpoint the client
/// reads: each ends in one clear <see cref="ComputeApiException"/> naming the call, or in a read that tolerates
/// what it does not need; never an exception of another kind (a crash) and never a wrong value taken as right.
/// </summary>
public sealed class ConsoleShapeTests
{
    const string Password = "Shape-Canary-Pa55w0rd-0c1d";

    public enum Outcome
    {
        /// <summary>One <see cref="ComputeApiException"/> that names the call.</summary>
        Error,
        /// <summary>The call returns; what it returns is checked by the case.</summary>
        Tolerated,
    }

    public static TheoryData<string, string, Outcome, string?> Cases => new()
    {
        // endpoint, body, outcome, what a tolerated read returns (as text)
        { "authenticate", "{}", Outcome.Error, null },
        { "authenticate", """{"token": null}""", Outcome.Error, null },
        { "authenticate", """{"token": ""}""", Outcome.Error, null },
        { "authenticate", """{"token": {"value": "t"}}""", Outcome.Error, null },
        { "authenticate", """["token"]""", Outcome.Error, null },
        { "authenticate", "\"a-bare-string\"", Outcome.Error, null },
        { "authenticate", """{"token": "t-1", "futureField": [1]}""", Outcome.Tolerated, "t-1" },
        { "version", "{\"version\": \"34.04.145\"}", Outcome.Error, null },
        { "version", "[\"34.04.145\"]", Outcome.Error, null },
        { "version", "true", Outcome.Error, null },
        { "version", "null", Outcome.Error, null },
        { "version", "\"\"", Outcome.Error, null },
        { "version", "34", Outcome.Tolerated, "34" },
        { "version", "\"34.04.145\"", Outcome.Tolerated, "34.04.145" },
        { "registry", """{"not": "an array"}""", Outcome.Error, null },
        { "registry", "\"results\"", Outcome.Error, null },
        { "registry", "42", Outcome.Error, null },
        { "registry", """[{"_id": "sha256:aa", "repoTag": ["not", "an", "object"]}]""", Outcome.Error, null },
        { "registry", """[{"_id": "sha256:aa", "vulnerabilities": {"not": "an array"}}]""", Outcome.Error, null },
        { "registry", """[{"_id": "sha256:aa", "vulnerabilityDistribution": [1, 2]}]""", Outcome.Error, null },
        { "registry", """[{"_id": "sha256:aa", "scanTime": {"seconds": 1}}]""", Outcome.Error, null },
        { "registry", """[7, "x", null, []]""", Outcome.Tolerated, "0 entries" },
        { "registry", """[{"_id": "sha256:aa", "futureField": {"x": [1]}, "repoTag": {"repo": "team/app", "extra": 1}}]""", Outcome.Tolerated, "1 entries" },
        { "progress", """{"isScanOngoing": true}""", Outcome.Error, null },
        { "progress", "\"scanning\"", Outcome.Error, null },
        { "progress", """[{"isScanOngoing": {"yes": true}}]""", Outcome.Error, null },
        { "progress", """[{"isScanOngoing": true, "imageScan": ["1", "3"]}]""", Outcome.Error, null },
        { "progress", """[{"isScanOngoing": true, "unknown": {"a": [1]}, "imageScan": {"scanned": 1, "total": 3, "eta": "soon", "nested": {"x": 1}}}]""", Outcome.Tolerated, "ongoing 1/3" },
        { "progress", """[1, "x", null]""", Outcome.Tolerated, "0 entries" },
        { "scans", """{"not": "an array"}""", Outcome.Error, null },
        { "scans", "17", Outcome.Error, null },
        { "scans", """[1, "x", null, {"entityInfo": {}}]""", Outcome.Tolerated, "1 entries" },
        { "scan", """{"unexpected": ["body"]}""", Outcome.Tolerated, "triggered" },
        { "scan", "[]", Outcome.Tolerated, "triggered" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_wrong_shaped_body_is_one_clear_error_or_a_tolerated_read(string endpoint, string body, Outcome outcome, string? tolerated)
    {
        var clock = new FakeClock();
        var log = new CapturedLog();
        using var transport = new ShapedConsole(endpoint == "authenticate" ? "/authenticate" : PathOf(endpoint), body);
        using var client = new ComputeClient(
            new ComputeClientOptions { ConsoleUrl = new Uri("http://console.test:8083"), Username = "admin", Password = Password },
            clock.Time, log.Logger, transport);

        Exception? failure = null;
        string? read = null;
        try
        {
            read = await clock.RunAsync(CallAsync(client, endpoint));
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (outcome == Outcome.Error)
        {
            Assert.True(failure is ComputeApiException, $"expected one ComputeApiException, got {(failure is null ? $"a read of '{read}'" : failure.ToString())}");
            Assert.Contains(endpoint == "authenticate" ? "/authenticate" : PathOf(endpoint), failure!.Message);
            Assert.Contains("http://console.test:8083", failure.Message);
        }
        else
        {
            Assert.True(failure is null, $"expected a tolerated read, got {failure}");
            Assert.Equal(tolerated, read);
        }
        Assert.DoesNotContain(Password, failure?.ToString() ?? "");
        Assert.DoesNotContain(log.Lines, l => l.Contains(Password, StringComparison.Ordinal));
    }

    static string PathOf(string endpoint) => endpoint switch
    {
        "version" => "/version",
        "registry" => "/registry",
        "progress" => "/registry/progress",
        "scans" => "/scans",
        "scan" => "/registry/scan",
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
    };

    static async Task<string> CallAsync(ComputeClient client, string endpoint)
    {
        switch (endpoint)
        {
            case "authenticate":
                return await client.GetTokenAsync(CancellationToken.None);
            case "version":
                return await client.GetVersionAsync(CancellationToken.None);
            case "registry":
                return $"{(await client.GetRegistryPageAsync(new RegistryQuery(Name: "team/app:1"), 0, CancellationToken.None)).Count} entries";
            case "progress":
                var progress = await client.GetRegistryProgressAsync(null, "team/app", "1", null, CancellationToken.None);
                return progress.Count == 0 ? "0 entries" : string.Join(", ", progress.Select(p => $"{(p.IsScanOngoing ? "ongoing" : "done")} {p.Scanned}/{p.Total}"));
            case "scans":
                return $"{(await client.GetCiScansAsync("job", null, CancellationToken.None)).Count} entries";
            case "scan":
                await client.TriggerRegistryScanAsync(new ImageTagRequest("127.0.0.1:5000", "team/app", "1", ""), CancellationToken.None);
                return "triggered";
            default:
                throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null);
        }
    }

    /// <summary>A Console whose one endpoint under test answers 200 with the given body; /authenticate answers a token otherwise.</summary>
    sealed class ShapedConsole(string path, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var requested = request.RequestUri!.AbsolutePath;
            string? json = requested.EndsWith(path, StringComparison.Ordinal) ? body
                : requested.EndsWith("/authenticate", StringComparison.Ordinal) ? """{"token": "in-memory-token"}"""
                : null;
            return Task.FromResult(json is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request }
                : new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}
