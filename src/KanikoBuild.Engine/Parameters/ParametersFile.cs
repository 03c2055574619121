using System.Globalization;
using System.Text.Json;

namespace KanikoBuild.Engine.Parameters;

/// <summary><c>.nuke/parameters.json</c>: default values keyed by parameter name (<c>"ConsoleUrl": "https://…"</c>).</summary>
internal sealed class ParametersFile
{
    readonly Dictionary<string, (string Key, IReadOnlyList<string> Values)> _values;

    ParametersFile(string path, Dictionary<string, (string, IReadOnlyList<string>)> values)
    {
        Path = path;
        _values = values;
    }

    public string Path { get; }

    public static ParametersFile Empty(string path) => new(path, new(StringComparer.Ordinal));

    public static ParametersFile Load(string path) =>
        File.Exists(path) ? Parse(path, File.ReadAllText(path)) : Empty(path);

    public static ParametersFile Parse(string path, string json)
    {
        var values = new Dictionary<string, (string, IReadOnlyList<string>)>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new PipelineException($"{path} must hold a JSON object of parameter names and values.");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name.StartsWith('$') || property.Value.ValueKind == JsonValueKind.Null)
                    continue;
                IReadOnlyList<string> items = property.Value.ValueKind == JsonValueKind.Array
                    ? property.Value.EnumerateArray().Select(e => Text(path, property.Name, e)).ToList()
                    : [Text(path, property.Name, property.Value)];
                values[NameCase.Normalize(property.Name)] = (property.Name, items);
            }
        }
        catch (JsonException e)
        {
            throw new PipelineException($"{path} is not valid JSON: {e.Message}");
        }
        return new ParametersFile(path, values);
    }

    static string Text(string path, string name, JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => element.GetRawText(),
        _ => throw new PipelineException($"{path}: '{name}' must be a string, number, boolean or an array of them, not {element.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture)}."),
    };

    /// <summary>The values for a parameter, or null when the file does not set it. An array yields several.</summary>
    public IReadOnlyList<string>? Get(string name) => _values.TryGetValue(NameCase.Normalize(name), out var entry) ? entry.Values : null;

    public bool IsArray(string name) => _values.TryGetValue(NameCase.Normalize(name), out var entry) && entry.Values.Count != 1;

    public IEnumerable<string> Keys => _values.Values.Select(v => v.Key);
}
