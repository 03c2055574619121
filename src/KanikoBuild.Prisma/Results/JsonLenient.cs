using System.Globalization;
using System.Text.Json;

namespace KanikoBuild.Prisma.Results;

/// <summary>
/// Reads Console JSON the way versions actually differ (prisma.md §1.5, §2.3): several spellings of a field,
/// numbers as strings, times as RFC 3339 strings or Unix seconds, null where an array was expected.
/// </summary>
public static class JsonLenient
{
    public static JsonElement? Property(JsonElement element, params string[] names)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
                return value;
        }
        // Case differences between versions are not worth failing over.
        foreach (var property in element.EnumerateObject())
        {
            if (names.Any(n => string.Equals(n, property.Name, StringComparison.OrdinalIgnoreCase)) && property.Value.ValueKind != JsonValueKind.Null)
                return property.Value;
        }
        return null;
    }

    public static string? String(JsonElement element, params string[] names) => Property(element, names) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
        { ValueKind: JsonValueKind.True } => "true",
        { ValueKind: JsonValueKind.False } => "false",
        _ => null,
    };

    public static long? Integer(JsonElement element, params string[] names) => Property(element, names) switch
    {
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.Number } value when value.TryGetDouble(out var d) => (long)d,
        { ValueKind: JsonValueKind.String } value when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    public static bool? Boolean(JsonElement element, params string[] names) => Property(element, names) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } value when bool.TryParse(value.GetString(), out var b) => b,
        _ => null,
    };

    /// <summary>RFC 3339 strings, Unix seconds (number or string); Go's zero time means "unknown".</summary>
    public static DateTimeOffset? Time(JsonElement element, params string[] names)
    {
        var value = Property(element, names);
        if (value is null)
            return null;
        if (value.Value.ValueKind == JsonValueKind.Number && value.Value.TryGetInt64(out var seconds))
            return seconds > 0 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        if (value.Value.ValueKind != JsonValueKind.String)
            return null;
        var text = value.Value.GetString();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out seconds))
            return seconds > 0 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return time.Year <= 1 ? null : time;
        return null;
    }

    /// <summary>The elements of an array; nothing for null, a missing field or a non-array.</summary>
    public static IEnumerable<JsonElement> Array(JsonElement element, params string[] names) =>
        Property(element, names) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];
}
