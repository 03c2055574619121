using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KanikoBuild.Testing;
using Microsoft.AspNetCore.Http;

namespace KanikoBuild.Dockerfiles.Tests.StandIn;

/// <summary>
/// A minimal in-test Console for the twistcli stand-in (CONTRACTS.md §2): <c>POST /api/v1/authenticate</c> and
/// <c>POST /api/v1/simulator/twistcli-scan</c>, answering in the documented <c>--output-file</c> result shape. The real
/// simulator lives in KanikoBuild.ConsoleSimulator; this one only has to be small and observable.
/// </summary>
public sealed class FakeConsole : IAsyncDisposable
{
    LoopbackHttpServer? _server;

    FakeConsole(string token) => Token = token;

    public static async Task<FakeConsole> StartAsync(string? token = null)
    {
        var console = new FakeConsole(token ?? "fake-console-token-" + Guid.NewGuid().ToString("N"));
        console._server = await LoopbackHttpServer.StartAsync(console.ServeAsync);
        return console;
    }

    /// <summary><c>http://127.0.0.1:port</c>, as twistcli's <c>--address</c> takes it.</summary>
    public string Address => _server!.Address;

    public string Token { get; }

    public string User { get; set; } = "ci-user";

    public string Password { get; set; } = "ci-password";

    /// <summary>Packages (name → exact version) that have a critical CVE.</summary>
    public Dictionary<string, string> Vulnerable { get; } = new(StringComparer.Ordinal) { ["openssl"] = "1.1.1k-r0" };

    /// <summary>More findings for a vulnerable package: (CVE, severity), severities as Prisma writes them (open-ended).</summary>
    public List<(string Cve, string Severity)> ExtraFindings { get; } = [];

    /// <summary>Whether the answer carries vulnerabilityDistribution (the real Console always sends it).</summary>
    public bool SendDistribution { get; set; } = true;

    /// <summary>Answer every scan with this status instead (e.g. 500), or null.</summary>
    public HttpStatusCode? ScanStatus { get; set; }

    public string PassedFlagName { get; set; } = "vulnerabilityScanPassed";

    public ConcurrentQueue<ScanRequest> Scans { get; } = new();

    public ConcurrentQueue<string> Authentications { get; } = new();

    public sealed record ScanRequest(JsonObject Body, string? Project, string? Authorization)
    {
        public string ReportId => Body["reportId"]!.GetValue<string>();
        public IReadOnlyList<string> Packages => Body["packages"]!.AsArray().Select(p => $"{p!["name"]}@{p["version"]}").ToList();
    }

    async Task ServeAsync(HttpContext context)
    {
        try
        {
            await HandleAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            await ReplyAsync(context, HttpStatusCode.InternalServerError, new JsonObject { ["err"] = e.Message });
        }
    }

    async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject;
        switch (request.Method, request.Path.Value)
        {
            case ("POST", "/api/v1/authenticate"):
                Authentications.Enqueue(body?["username"]?.GetValue<string>() ?? "");
                if (body?["username"]?.GetValue<string>() == User && body["password"]?.GetValue<string>() == Password)
                    await ReplyAsync(context, HttpStatusCode.OK, new JsonObject { ["token"] = Token });
                else
                    await ReplyAsync(context, HttpStatusCode.Unauthorized, new JsonObject { ["err"] = "invalid credentials" });
                return;
            case ("POST", "/api/v1/simulator/twistcli-scan"):
                var authorization = request.Headers.Authorization.FirstOrDefault();
                Scans.Enqueue(new ScanRequest(body!, request.Query["project"].FirstOrDefault(), authorization));
                if (authorization != $"Bearer {Token}")
                    await ReplyAsync(context, HttpStatusCode.Unauthorized, new JsonObject { ["err"] = "unauthorized" });
                else if (ScanStatus is { } status)
                    await ReplyAsync(context, status, new JsonObject { ["err"] = "configured failure" });
                else
                    await ReplyAsync(context, HttpStatusCode.OK, Result(body!));
                return;
            default:
                await ReplyAsync(context, HttpStatusCode.NotFound, new JsonObject { ["err"] = "not found" });
                return;
        }
    }

    JsonObject Result(JsonObject body)
    {
        var packages = body["packages"]!.AsArray();
        var vulnerabilities = new JsonArray();
        foreach (var package in packages)
        {
            var name = package!["name"]!.GetValue<string>();
            var version = package["version"]!.GetValue<string>();
            if (Vulnerable.TryGetValue(name, out var bad) && bad == version)
            {
                vulnerabilities.Add(new JsonObject
                {
                    ["id"] = "CVE-2021-3711", ["status"] = "fixed in 1.1.1l-r0", ["cvss"] = 9.8, ["severity"] = "critical",
                    ["packageName"] = name, ["packageVersion"] = version, ["link"] = "https://nvd.nist.gov/vuln/detail/CVE-2021-3711",
                    ["description"] = "SM2 decryption buffer overflow",
                });
                foreach (var (cve, severity) in ExtraFindings)
                    vulnerabilities.Add(new JsonObject { ["id"] = cve, ["status"] = "open", ["cvss"] = 5.0, ["severity"] = severity, ["packageName"] = name, ["packageVersion"] = version });
            }
        }
        // The Console's buckets: important counts as high, moderate as medium, every other severity as low.
        int Count(params string[] severities) => vulnerabilities.Count(v => severities.Contains(v!["severity"]!.GetValue<string>()));
        var others = vulnerabilities.Count - Count("critical", "high", "important", "medium", "moderate");
        var result = new JsonObject
        {
            ["id"] = "", ["name"] = body["reportId"]!.GetValue<string>(),
            ["distro"] = body["osDistro"]!.GetValue<string>(), ["distroRelease"] = body["osDistroRelease"]!.GetValue<string>(),
            ["digest"] = "", ["packages"] = packages.DeepClone(), ["vulnerabilities"] = vulnerabilities,
            ["vulnerabilityDistribution"] = new JsonObject
            {
                ["critical"] = Count("critical"), ["high"] = Count("high", "important"), ["medium"] = Count("medium", "moderate"), ["low"] = others, ["total"] = vulnerabilities.Count,
            },
            [PassedFlagName] = vulnerabilities.Count == 0,
            ["compliances"] = new JsonArray(),
            ["complianceDistribution"] = new JsonObject { ["critical"] = 0, ["high"] = 0, ["medium"] = 0, ["low"] = 0, ["total"] = 0 },
            ["complianceScanPassed"] = true,
            ["scanTime"] = DateTimeOffset.UtcNow.ToString("O"), ["scanID"] = Guid.NewGuid().ToString("N"),
        };
        if (!SendDistribution)
            result.Remove("vulnerabilityDistribution");
        return result;
    }

    static async Task ReplyAsync(HttpContext context, HttpStatusCode status, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
