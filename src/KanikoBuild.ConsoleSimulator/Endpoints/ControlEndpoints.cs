using System.Text.Json;
using System.Text.Json.Nodes;
using KanikoBuild.ConsoleSimulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KanikoBuild.ConsoleSimulator.Endpoints;

/// <summary>
/// <c>/simulator/…</c>: the HTTP face of <see cref="SimulatorControl"/>, for when the simulator runs as a
/// program (the Sandbox, benchmarks). Not part of any Console.
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(WebApplication app, SimulatorState state, SimulatorControl control)
    {
        app.MapPost("/simulator/results", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            foreach (var result in body is JsonArray array ? array.OfType<JsonObject>() : body is JsonObject one ? [one] : [])
                control.SeedResult((JsonObject)result.DeepClone());
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        app.MapDelete("/simulator/results", (HttpContext context) =>
        {
            control.ClearResults();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        app.MapPost("/simulator/faults", async (HttpContext context) =>
        {
            var rule = await JsonSerializer.DeserializeAsync<FaultRule>(context.Request.Body, SimulatorJson.Options, context.RequestAborted);
            if (rule is not null)
                control.AddFault(rule);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        app.MapPost("/simulator/settings", async (HttpContext context) =>
        {
            var patch = await JsonSerializer.DeserializeAsync<SettingsPatch>(context.Request.Body, SimulatorJson.Options, context.RequestAborted);
            patch?.ApplyTo(state.Options);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        app.MapPost("/simulator/expire-tokens", (HttpContext context) =>
        {
            control.ExpireTokens();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        app.MapGet("/simulator/requests", (HttpContext context) =>
            Respond.Raw(context, state, JsonSerializer.Serialize(control.Requests, SimulatorJson.Options)));
        app.MapGet("/simulator/results", (HttpContext context) =>
            Respond.Json(context, state, new JsonArray(control.Results.Select(r => (JsonNode)r).ToArray())));
    }

    /// <summary>The settings a running scenario may change.</summary>
    sealed class SettingsPatch
    {
        public TimeSpan? ScanDuration { get; set; }
        public TimeSpan? TokenLifetime { get; set; }
        public RateLimitOptions? RateLimit { get; set; }
        public FieldVariants? Fields { get; set; }
        public string? CiBlockThreshold { get; set; }
        public string? FeedPath { get; set; }

        public void ApplyTo(SimulatorOptions options)
        {
            options.ScanDuration = ScanDuration ?? options.ScanDuration;
            options.TokenLifetime = TokenLifetime ?? options.TokenLifetime;
            options.RateLimit = RateLimit ?? options.RateLimit;
            options.Fields = Fields ?? options.Fields;
            options.CiBlockThreshold = CiBlockThreshold ?? options.CiBlockThreshold;
            options.FeedPath = FeedPath ?? options.FeedPath;
        }
    }
}
