using System.Text.Json;

namespace KanikoBuild.Prisma.Results;

/// <summary>
/// The shape check the lenient readers run first: a field the pipeline acts on that is present but of a kind no
/// Console writes (an object where a list belongs, a list where a flag belongs) fails the whole answer as
/// malformed, instead of reading as "absent" — a findings list read as empty would pass an image unscanned.
/// Missing fields and nulls stay absent, and numbers written as strings stay lenient (the readers' own rules).
/// </summary>
internal static class ConsoleShape
{
    public static void Expect(JsonElement entry, string what, string field, params JsonValueKind[] kinds)
    {
        if (entry.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null && !kinds.Contains(value.ValueKind))
            throw new JsonException($"{what}: '{field}' is {Article(value.ValueKind)}, not {string.Join(" or ", kinds.Select(Article))}");
    }

    /// <summary>A flag the Console writes as true/false, or as the string "true"/"false".</summary>
    public static void ExpectFlag(JsonElement entry, string what, string field)
    {
        if (entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out _))
            return;
        Expect(entry, what, field, JsonValueKind.True, JsonValueKind.False);
    }

    static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
