using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KanikoBuild.ConsoleSimulator.Hosting;

/// <summary>Writes JSON answers, applying the scenario's body faults (truncated or malformed) on the way out.</summary>
internal static class Respond
{
    static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    public static Task Json(HttpContext context, SimulatorState state, JsonNode? body, int status = StatusCodes.Status200OK) =>
        Raw(context, state, body?.ToJsonString(s_json) ?? "null", status);

    public static async Task Raw(HttpContext context, SimulatorState state, string json, int status = StatusCodes.Status200OK)
    {
        var fault = status == StatusCodes.Status200OK
            ? state.TakeFault(context.Request.Method, context.Request.Path.Value ?? string.Empty, r => r.Kind is FaultKind.Truncated or FaultKind.Malformed)
            : null;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (fault?.Kind == FaultKind.Malformed)
        {
            context.Response.ContentType = "text/html";
            json = "<html><body><h1>502 Bad Gateway</h1><p>The upstream sent an invalid response.</p></body></html>";
        }
        else if (fault?.Kind == FaultKind.Truncated)
        {
            json = json[..Math.Max(1, json.Length / 2)];
        }
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>Errors as the Console writes them: <c>{"err":"…"}</c>.</summary>
    public static Task Error(HttpContext context, SimulatorState state, int status, string message) =>
        Raw(context, state, new JsonObject { ["err"] = message }.ToJsonString(), status);
}
