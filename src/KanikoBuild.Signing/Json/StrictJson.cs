using System.Text.Json;

namespace KanikoBuild.Signing;

/// <summary>A JSON document that breaks the strict rules verifiers apply (containers/image's paranoid parser).</summary>
public sealed class StrictJsonException(string message) : Exception(message);

/// <summary>
/// Parses JSON the way containers/image parses a signature payload: valid JSON, and no object anywhere with the
/// same member twice (System.Text.Json would silently keep the last one).
/// </summary>
internal static class StrictJson
{
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new StrictJsonException($"invalid JSON: {e.Message}");
        }
        try
        {
            RejectDuplicates(document.RootElement);
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    static void RejectDuplicates(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    if (!seen.Add(member.Name))
                        throw new StrictJsonException($"Duplicate key \"{member.Name}\"");
                    RejectDuplicates(member.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    RejectDuplicates(item);
                break;
        }
    }

    /// <summary>The members of an object that must have exactly <paramref name="names"/>, each once.</summary>
    public static Dictionary<string, JsonElement> ExactMembers(JsonElement element, string where, params string[] names)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new StrictJsonException($"{where} is not a JSON object");
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            if (Array.IndexOf(names, member.Name) < 0)
                throw new StrictJsonException($"Unknown key \"{member.Name}\"");
            members[member.Name] = member.Value;
        }
        foreach (var name in names)
        {
            if (!members.ContainsKey(name))
                throw new StrictJsonException($"Key \"{name}\" missing in a JSON object");
        }
        return members;
    }

    public static string String(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new StrictJsonException($"Field {field} is not a string");
}
