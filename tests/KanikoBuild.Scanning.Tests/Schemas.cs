using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace KanikoBuild.Scanning.Tests;

/// <summary>The published report schemas shipped under Schemas/ (see Schemas/README.md for their source).</summary>
static class Schemas
{
    static readonly Lazy<JsonSchema> s_sarif = new(LoadSarif);
    static readonly Lazy<JsonSchema> s_gitLab = new(() => JsonSchema.FromText(File.ReadAllText(PathOf("container-scanning-report-format-15.2.4.json"))));

    public static JsonSchema Sarif => s_sarif.Value;
    public static JsonSchema GitLabContainerScanning => s_gitLab.Value;

    static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Schemas", name);

    // The SARIF schema is draft-04, which JsonSchema.Net 8 does not implement. It uses no keyword whose meaning
    // changed between draft-04 and draft-07 (no boolean exclusiveMinimum/Maximum; "id" only at the root; every
    // "$ref" local), so it is evaluated as draft-07 with its root "$schema" rewritten and its root "id" dropped
    // (JsonSchema.Net refuses to register it under that id: "Overwriting registered schemas is not permitted";
    // with only local references the base URI does not matter). Nothing else is changed.
    static JsonSchema LoadSarif()
    {
        var text = File.ReadAllText(PathOf("sarif-2.1.0-rtm.5.json"));
        if (text.Contains("\"exclusiveMinimum\"", StringComparison.Ordinal) || text.Contains("\"exclusiveMaximum\"", StringComparison.Ordinal))
            throw new InvalidOperationException("The SARIF schema uses exclusiveMinimum/Maximum; the draft-07 reading would change its meaning.");
        var node = JsonNode.Parse(text)!.AsObject();
        var nonLocal = Descendants(node).OfType<JsonObject>().Select(o => o["$ref"]).OfType<JsonValue>().Select(v => v.GetValue<string>()).Where(r => !r.StartsWith('#')).ToList();
        if (nonLocal.Count > 0)
            throw new InvalidOperationException($"The SARIF schema has non-local references ({string.Join(", ", nonLocal)}); its base URI matters.");
        node["$schema"] = "http://json-schema.org/draft-07/schema#";
        node.Remove("id");
        return JsonSchema.FromText(node.ToJsonString());
    }

    static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var d in Descendants(child))
                yield return d;
        }
    }

    /// <summary>Every error the schema reports for <paramref name="json"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Errors(JsonSchema schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (results.IsValid)
            return [];
        return (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key} {e.Value}"))
            .DefaultIfEmpty("invalid (no details)")
            .ToList();
    }
}
