using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KanikoBuild.ConsoleSimulator.Hosting;
using KanikoBuild.ConsoleSimulator.Scanning;
using Microsoft.AspNetCore.Http;

namespace KanikoBuild.ConsoleSimulator.Endpoints;

/// <summary>
/// <c>POST /api/v1/simulator/twistcli-scan</c> (CONTRACTS.md §2): the twistcli stand-in sends the packages it
/// found; the simulator evaluates them against its feed and CI policy and answers with one
/// <c>--output-file</c> result. With <c>publish</c> it is also recorded as a CI scan (<c>GET /scans</c>).
/// </summary>
internal static class TwistcliScan
{
    public static async Task HandleAsync(HttpContext context, SimulatorState state)
    {
        JsonNode? body;
        try { body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted); }
        catch (JsonException e)
        {
            await Respond.Error(context, state, StatusCodes.Status400BadRequest, $"invalid body: {e.Message}");
            return;
        }
        if (body is not JsonObject request)
        {
            await Respond.Error(context, state, StatusCodes.Status400BadRequest, "a JSON object is required");
            return;
        }
        var reportId = request["reportId"]?.ToString() ?? "twistcli-scan";
        var packages = (request["packages"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(p => new InstalledPackage(p["name"]?.ToString() ?? string.Empty, p["version"]?.ToString() ?? string.Empty,
                p["path"]?.ToString() ?? "/" + ImageContents.ApkDatabase))
            .Where(p => p.Name.Length > 0)
            .ToList();
        var contents = new ImageContents(request["osDistro"]?.ToString() ?? "unknown", request["osDistroRelease"]?.ToString() ?? "unknown", null, packages);
        var findings = VulnerabilityFeed.Load(state.Options.FeedPath).Evaluate(packages);
        var passed = !ScanResultWriter.Blocks(findings, state.Options.CiBlockThreshold);
        var scanId = state.NextScanId();
        var result = ScanResultWriter.TwistcliResult(reportId, contents, findings, state.Options.Fields, passed, state.Now, scanId);

        if (request["publish"]?.GetValueKind() == JsonValueKind.True)
        {
            var user = (SimulatorUser)context.Items[ApiGate.UserItem]!;
            state.AddCiScan(new JsonObject
            {
                ["_id"] = scanId.ToString(CultureInfo.InvariantCulture),
                ["build"] = 0,
                ["jobName"] = request["jobName"]?.DeepClone(),
                ["pass"] = passed,
                ["time"] = ScanResultWriter.Iso(state.Now),
                ["version"] = state.Options.ConsoleVersion,
                ["user"] = user.Username,
                ["project"] = context.Request.Query["project"].ToString() is { Length: > 0 } project ? project : null,
                ["entityInfo"] = new JsonObject
                {
                    ["_id"] = reportId,
                    ["id"] = string.Empty,
                    ["name"] = reportId,
                    ["type"] = "ciImage",
                    ["scanTime"] = ScanResultWriter.Iso(state.Now),
                    ["osDistro"] = contents.Distro,
                    ["osDistroRelease"] = contents.DistroRelease,
                    ["vulnerabilities"] = result["vulnerabilities"]?.DeepClone(),
                    ["vulnerabilityDistribution"] = result["vulnerabilityDistribution"]?.DeepClone(),
                    ["complianceIssues"] = new JsonArray(),
                    ["complianceDistribution"] = result["complianceDistribution"]?.DeepClone(),
                },
            });
        }
        await Respond.Json(context, state, result);
    }
}
