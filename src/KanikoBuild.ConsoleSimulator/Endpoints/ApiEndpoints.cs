using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KanikoBuild.ConsoleSimulator.Hosting;
using KanikoBuild.ConsoleSimulator.Scanning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace KanikoBuild.ConsoleSimulator.Endpoints;

/// <summary>The documented Compute endpoints (prisma.md §1.8, §2), served under <c>/api/v1</c> after the gate.</summary>
internal static class ApiEndpoints
{
    const int PageCap = 50;

    public static void Map(WebApplication app, SimulatorState state, RegistryScanner scanner, ApiGate gate)
    {
        app.MapPost("/api/v1/authenticate", (HttpContext context) => AuthenticateAsync(context, state, gate));
        app.MapGet("/api/v1/version", (HttpContext context) =>
            Respond.Raw(context, state, JsonSerializer.Serialize(state.Options.ConsoleVersion)));
        app.MapGet("/api/v1/registry", (HttpContext context) => Guarded(context, state, Roles.MonitorImages, () => RegistryAsync(context, state)));
        app.MapPost("/api/v1/registry/scan", (HttpContext context) => Guarded(context, state, Roles.ScanRegistries, () => ScanAsync(context, state, scanner)));
        app.MapGet("/api/v1/registry/progress", (HttpContext context) => Guarded(context, state, Roles.MonitorImages, () => ProgressAsync(context, state)));
        app.MapGet("/api/v1/scans", (HttpContext context) => Guarded(context, state, Roles.MonitorCi, () => CiScansAsync(context, state)));
        app.MapPost("/api/v1/simulator/twistcli-scan", (HttpContext context) => Guarded(context, state, Roles.CiScan, () => TwistcliScan.HandleAsync(context, state)));
        foreach (var (route, variant) in new[]
                 {
                     ("/api/v1/util/twistcli", "linux"), ("/api/v1/util/arm64/twistcli", "linux-arm64"),
                     ("/api/v1/util/osx/twistcli", "osx"), ("/api/v1/util/osx/arm64/twistcli", "osx-arm64"),
                     ("/api/v1/util/windows/twistcli.exe", "windows"),
                 })
        {
            app.MapGet(route, (HttpContext context) => Guarded(context, state, Roles.Downloads, () => DownloadAsync(context, state, variant)));
        }
    }

    static async Task Guarded(HttpContext context, SimulatorState state, string permission, Func<Task> handler)
    {
        var user = (SimulatorUser)context.Items[ApiGate.UserItem]!;
        if (!Roles.Allows(user.Role, permission))
        {
            await Respond.Error(context, state, StatusCodes.Status403Forbidden,
                $"user {user.Username} (role {user.Role}) lacks the {permission} permission");
            return;
        }
        await handler();
    }

    static async Task AuthenticateAsync(HttpContext context, SimulatorState state, ApiGate gate)
    {
        JsonNode? body;
        try { body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted); }
        catch (JsonException) { body = null; }
        var username = body?["username"]?.GetValue<string>();
        var password = body?["password"]?.GetValue<string>();
        if (username is null || password is null)
        {
            await Respond.Error(context, state, StatusCodes.Status400BadRequest, "username and password are required");
            return;
        }
        var user = gate.FindUser(username, password);
        if (user is null)
        {
            await Respond.Error(context, state, StatusCodes.Status401Unauthorized, "invalid credentials");
            return;
        }
        await Respond.Json(context, state, new JsonObject { ["token"] = state.IssueToken(user) });
    }

    static async Task RegistryAsync(HttpContext context, SimulatorState state)
    {
        var query = context.Request.Query;
        IEnumerable<JsonObject> results = state.RegistryResults();
        results = results.Where(r =>
            Matches(query["name"], name => NameMatches(r, name))
            && Matches(query["registry"], v => Str(r, "repoTag", "registry") == v)
            && Matches(query["repository"], v => Str(r, "repoTag", "repo") == v)
            && Matches(query["imageID"], v => r["id"]?.ToString() == v)
            && Matches(query["id"], v => r["_id"]?.ToString() == v));
        var ordered = results.OrderBy(FullName, StringComparer.Ordinal).ToList();
        if (IsTrue(query["reverse"]))
            ordered.Reverse();
        var page = Page(context, ordered);
        if (IsTrue(query["compact"]))
        {
            foreach (var result in page)
            {
                result.Remove("vulnerabilities");
                result.Remove("complianceIssues");
                result.Remove("packages");
            }
        }
        await Respond.Json(context, state, new JsonArray(page.Select(r => (JsonNode)r).ToArray()));
    }

    static async Task ScanAsync(HttpContext context, SimulatorState state, RegistryScanner scanner)
    {
        JsonNode? body;
        try { body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted); }
        catch (JsonException e)
        {
            await Respond.Error(context, state, StatusCodes.Status400BadRequest, $"invalid body: {e.Message}");
            return;
        }
        var tag = body?["tag"] as JsonObject;
        var registry = tag?["registry"]?.ToString();
        var repo = tag?["repo"]?.ToString();
        var tagName = tag?["tag"]?.ToString();
        var digest = tag?["digest"]?.ToString();
        if (string.IsNullOrEmpty(registry) || string.IsNullOrEmpty(repo) || (string.IsNullOrEmpty(tagName) && string.IsNullOrEmpty(digest)))
        {
            // An empty body asks for a full rescan; the simulator has no registry settings to rescan.
            await Respond.Error(context, state, StatusCodes.Status400BadRequest, "tag.registry, tag.repo and tag.tag or tag.digest are required");
            return;
        }
        var scope = state.Options.ScopedRegistries;
        if (scope.Count > 0 && !scope.Contains(registry, StringComparer.OrdinalIgnoreCase))
        {
            await Respond.Error(context, state, StatusCodes.Status400BadRequest,
                $"registry {registry} is not in the registry scanning scope; add it under Defend > Vulnerabilities > Registry");
            return;
        }
        var onDemand = body?["onDemandScan"]?.GetValueKind() == JsonValueKind.True;
        scanner.Start(registry, repo, tagName, digest, onDemand);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    static async Task ProgressAsync(HttpContext context, SimulatorState state)
    {
        var query = context.Request.Query;
        var onDemand = IsTrue(query["onDemand"]);
        string? repo = query["repo"], tag = query["tag"], digest = query["digest"], registry = query["registry"];
        if (!onDemand && (repo is not null || tag is not null || digest is not null))
        {
            await Respond.Error(context, state, StatusCodes.Status400BadRequest, "repo, tag and digest filters need onDemand=true");
            return;
        }
        if (onDemand && (repo is null || (tag is null && digest is null)))
        {
            await Respond.Error(context, state, StatusCodes.Status400BadRequest, "onDemand progress needs repo and tag or digest");
            return;
        }
        var jobs = state.Jobs().Where(j =>
            j.OnDemand == onDemand
            && (registry is null || j.Registry == registry)
            && (repo is null || j.Repo == repo)
            && (tag is null || j.Tag == tag)
            && (digest is null || j.Digest == digest));
        var entries = jobs.Select(j => (JsonNode)new JsonObject
        {
            ["discovery"] = Progress(j, state, discovery: true),
            ["imageScan"] = Progress(j, state, discovery: false),
            ["isScanOngoing"] = j.Error is null,
            ["specScanStartTime"] = ScanResultWriter.Iso(j.StartedAt),
        });
        await Respond.Json(context, state, new JsonArray(entries.ToArray()));
    }

    static JsonObject Progress(ScanJob job, SimulatorState state, bool discovery) => new()
    {
        ["id"] = job.ScanId.ToString(CultureInfo.InvariantCulture),
        ["type"] = discovery ? "discovery" : "imageScan",
        ["discovery"] = discovery,
        ["total"] = 1,
        ["scanned"] = discovery ? 1 : 0,
        ["title"] = $"{job.Registry}/{job.Repo}:{job.Tag ?? job.Digest}",
        ["hostname"] = "console-simulator",
        ["scanTime"] = ScanResultWriter.Iso(job.StartedAt),
        ["onDemand"] = job.OnDemand,
        ["error"] = job.Error ?? string.Empty,
    };

    static async Task CiScansAsync(HttpContext context, SimulatorState state)
    {
        var query = context.Request.Query;
        var scans = state.CiScans().Where(s =>
            Matches(query["jobName"], v => s["jobName"]?.ToString() == v)
            && Matches(query["imageID"], v => s["entityInfo"]?["id"]?.ToString() == v)
            && Matches(query["search"], v => (s["entityInfo"]?["name"]?.ToString() ?? string.Empty).Contains(v, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(s => s["time"]?.ToString(), StringComparer.Ordinal)
            .ToList();
        if (IsTrue(query["reverse"]))
            scans.Reverse();
        await Respond.Json(context, state, new JsonArray(Page(context, scans).Select(s => (JsonNode)s).ToArray()));
    }

    static async Task DownloadAsync(HttpContext context, SimulatorState state, string variant)
    {
        var files = state.Options.TwistcliFiles;
        var path = files.GetValueOrDefault(variant) ?? files.GetValueOrDefault("*");
        if (path is null || !File.Exists(path))
        {
            await Respond.Error(context, state, StatusCodes.Status404NotFound, $"no twistcli build for {variant} on this simulator");
            return;
        }
        context.Response.ContentType = "application/octet-stream";
        await context.Response.SendFileAsync(path, context.RequestAborted);
    }

    static List<JsonObject> Page(HttpContext context, List<JsonObject> all)
    {
        var query = context.Request.Query;
        var offset = int.TryParse(query["offset"], out var o) && o > 0 ? o : 0;
        var limit = int.TryParse(query["limit"], out var l) && l > 0 ? Math.Min(l, PageCap) : PageCap;
        context.Response.Headers["Total-Count"] = all.Count.ToString(CultureInfo.InvariantCulture);
        return all.Skip(offset).Take(limit).ToList();
    }

    static bool Matches(StringValues values, Func<string, bool> predicate) =>
        values.Count == 0 || values.Any(v => v is not null && predicate(v));

    static bool IsTrue(StringValues value) => string.Equals(value.ToString(), "true", StringComparison.OrdinalIgnoreCase);

    static string? Str(JsonObject result, string parent, string field) => result[parent]?[field]?.ToString();

    static string FullName(JsonObject result) =>
        $"{Str(result, "repoTag", "registry")}/{Str(result, "repoTag", "repo")}:{Str(result, "repoTag", "tag")}";

    /// <summary><c>name</c> is the image's full name (optionally with a scheme), or without the tag for every tag.</summary>
    static bool NameMatches(JsonObject result, string name)
    {
        var wanted = name.Replace("https://", string.Empty, StringComparison.OrdinalIgnoreCase)
            .Replace("http://", string.Empty, StringComparison.OrdinalIgnoreCase);
        var registry = Str(result, "repoTag", "registry");
        var repo = Str(result, "repoTag", "repo");
        var tag = Str(result, "repoTag", "tag");
        return wanted == $"{registry}/{repo}:{tag}" || wanted == $"{registry}/{repo}" || wanted == $"{repo}:{tag}";
    }
}
