using System.Globalization;
using System.Text.Json;

namespace KanikoBuild.Scanning;

/// <summary>
/// Strict reading of the policy file: unlike scan results (which Prisma writes), the policy is written by people,
/// and a typo that silently loosens the gate is worse than a failed build. Every error names the field as a JSON
/// path and says what is wrong with it.
/// </summary>
static class ScanPolicyParser
{
    static readonly string[] s_topKeys = ["$schema", "failOn", "compliance", "onlyFixed", "consoleVerdict", "allow"];
    static readonly string[] s_allowKeys = ["id", "reason", "expires"];

    public static ScanPolicy Parse(string json, string sourceName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "";
            throw new PipelineException($"Scan policy '{sourceName}' is not valid JSON{where}; fix the syntax (see docs/scan-policy.schema.json).", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Error(sourceName, "$", $"must be an object, not {Kind(root)}");

            var policy = ScanPolicy.Default;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                var path = "$." + property.Name;
                if (!seen.Add(property.Name))
                    throw Error(sourceName, path, "is given twice; keep one");
                var value = property.Value;
                switch (property.Name)
                {
                    case "$schema":
                        break;
                    case "failOn":
                        policy = policy with { FailOn = Limits(sourceName, path, value, policy.FailOn) };
                        break;
                    case "compliance":
                        policy = policy with { Compliance = Limits(sourceName, path, value, policy.Compliance) };
                        break;
                    case "onlyFixed":
                        policy = policy with { OnlyFixed = Boolean(sourceName, path, value, policy.OnlyFixed) };
                        break;
                    case "consoleVerdict":
                        policy = policy with { ConsoleVerdict = Boolean(sourceName, path, value, policy.ConsoleVerdict) };
                        break;
                    case "allow":
                        policy = policy with { Allow = AllowList(sourceName, path, value) };
                        break;
                    default:
                        throw Error(sourceName, path, $"is not a policy key; the keys are {string.Join(", ", s_topKeys.Skip(1))}{Suggest(property.Name, s_topKeys)}");
                }
            }
            return policy;
        }
    }

    // An absent key keeps the default; an explicit null object means "no limits at all".
    static SeverityLimits Limits(string source, string path, JsonElement value, SeverityLimits defaults)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return SeverityLimits.None;
        if (value.ValueKind != JsonValueKind.Object)
            throw Error(source, path, $"must be an object like {{\"critical\": 0, \"high\": 0}}, not {Kind(value)}");
        var limits = defaults;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            var keyPath = $"{path}.{property.Name}";
            if (!seen.Add(property.Name))
                throw Error(source, keyPath, "is given twice; keep one");
            if (!Severities.TryParseLimitKey(property.Name, out var severity) || property.Name != severity.Name())
                throw Error(source, keyPath, $"is not a severity key; use critical, high, medium or low (lower case){Suggest(property.Name, ["critical", "high", "medium", "low"])}");
            var limit = property.Value;
            int? parsed = limit.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Number when limit.TryGetInt32(out var n) && n >= 0 => n,
                JsonValueKind.Number when limit.TryGetDouble(out var d) && d < 0 => throw Error(source, keyPath, $"{limit.GetRawText()} is negative; a limit is a whole number ≥ 0, or null for no limit"),
                JsonValueKind.Number => throw Error(source, keyPath, $"{limit.GetRawText()} is not a whole number; a limit is a whole number ≥ 0, or null for no limit"),
                _ => throw Error(source, keyPath, $"must be a whole number ≥ 0 or null, not {Kind(limit)}"),
            };
            limits = limits.With(severity, parsed);
        }
        return limits;
    }

    static bool Boolean(string source, string path, JsonElement value, bool fallback) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => fallback,
        _ => throw Error(source, path, $"must be true or false, not {Kind(value)}"),
    };

    static List<AllowEntry> AllowList(string source, string path, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return [];
        if (value.ValueKind != JsonValueKind.Array)
            throw Error(source, path, $"must be an array of {{\"id\", \"reason\", \"expires\"}} objects, not {Kind(value)}");

        var entries = new List<AllowEntry>();
        var firstIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{path}[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
                throw Error(source, itemPath, $"must be an object {{\"id\", \"reason\", \"expires\"}}, not {Kind(item)}");
            foreach (var property in item.EnumerateObject())
            {
                if (!s_allowKeys.Contains(property.Name, StringComparer.Ordinal))
                    throw Error(source, $"{itemPath}.{property.Name}", $"is not an allow-list key; the keys are id, reason, expires{Suggest(property.Name, s_allowKeys)}");
            }

            var id = RequiredString(source, $"{itemPath}.id", item, "id", "the CVE id, e.g. CVE-2024-1234");
            var reason = RequiredString(source, $"{itemPath}.reason", item, "reason", "why the CVE is accepted, e.g. \"not reachable: the binary is never run\"");
            var expiresText = RequiredString(source, $"{itemPath}.expires", item, "expires", "the last day the exception holds, e.g. 2026-12-31");
            if (!DateOnly.TryParseExact(expiresText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires))
                throw Error(source, $"{itemPath}.expires", $"'{expiresText}' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-31");
            if (firstIndex.TryGetValue(id, out var first))
                throw Error(source, $"{itemPath}.id", $"{id} is already allowed by {path}[{first}]; keep one entry per CVE");
            firstIndex[id] = index;
            entries.Add(new AllowEntry(id, reason, expires));
            index++;
        }
        return entries;
    }

    static string RequiredString(string source, string path, JsonElement item, string name, string what)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw Error(source, path, $"is missing; give {what}");
        if (value.ValueKind != JsonValueKind.String)
            throw Error(source, path, $"must be a string ({what}), not {Kind(value)}");
        var text = value.GetString()!.Trim();
        if (text.Length == 0)
            throw Error(source, path, $"is empty; give {what}");
        return text;
    }

    static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {value.GetRawText()}",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    static string Suggest(string key, IEnumerable<string> known)
    {
        var match = known.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        return match is null ? "" : $" (did you mean '{match}'? keys are case-sensitive)";
    }

    static PipelineException Error(string source, string path, string problem) =>
        new($"Scan policy '{source}': {path} {problem}.");
}
