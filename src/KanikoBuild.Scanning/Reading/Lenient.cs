using System.Globalization;
using System.Text.Json;

namespace KanikoBuild.Scanning;

/// <summary>
/// Tolerant accessors for Prisma's JSON: a field may be missing, null, a number where a string was expected
/// (or the reverse), or spelled differently between versions. None of these fail a read.
/// </summary>
public static class Lenient
{
    /// <summary>The first of <paramref name="names"/> present and not null; exact spelling first, then any casing.</summary>
    public static JsonElement? Get(this JsonElement obj, params string[] names)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var name in names)
        {
            if (obj.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
                return value;
        }
        foreach (var property in obj.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
                continue;
            foreach (var name in names)
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                    return property.Value;
            }
        }
        return null;
    }

    public static string? String(this JsonElement obj, params string[] names) => AsString(obj.Get(names));

    public static string? AsString(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } e => NullIfEmpty(e.GetString()),
        { ValueKind: JsonValueKind.Number } e => e.GetRawText(),
        { ValueKind: JsonValueKind.True } => "true",
        { ValueKind: JsonValueKind.False } => "false",
        _ => null,
    };

    public static long? Long(this JsonElement obj, params string[] names) => obj.Get(names) switch
    {
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.Number } e when e.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e18 => (long)d,
        { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    public static double? Double(this JsonElement obj, params string[] names) => obj.Get(names) switch
    {
        { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        { ValueKind: JsonValueKind.String } e when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    public static bool? Bool(this JsonElement obj, params string[] names) => obj.Get(names) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } e when bool.TryParse(e.GetString(), out var b) => b,
        _ => null,
    };

    /// <summary>
    /// A time given as an ISO 8601 string or as Unix seconds (the API) or milliseconds. Zero and the zero time
    /// (<c>0001-01-01</c>, which kaniko writes for every layer) mean "unknown".
    /// </summary>
    public static DateTimeOffset? Date(this JsonElement obj, params string[] names) => AsDate(obj.Get(names));

    public static DateTimeOffset? AsDate(JsonElement? element)
    {
        switch (element)
        {
            case { ValueKind: JsonValueKind.Number } e when e.TryGetDouble(out var number):
                return FromUnix(number);
            case { ValueKind: JsonValueKind.String } e:
                var text = e.GetString()?.Trim();
                if (string.IsNullOrEmpty(text))
                    return null;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var unix))
                    return FromUnix(unix);
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                    return parsed.Year <= 1 ? null : parsed;
                return null;
            default:
                return null;
        }
    }

    static DateTimeOffset? FromUnix(double value)
    {
        if (value <= 0 || double.IsNaN(value) || double.IsInfinity(value))
            return null;
        // Seconds until the year 5138; anything larger is milliseconds.
        var milliseconds = value < 1e11 ? value * 1000 : value;
        if (milliseconds > 253402300799999)
            return null;
        return DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
    }

    /// <summary>The items of an array; empty for a missing field, <c>null</c> or a non-array.</summary>
    public static IEnumerable<JsonElement> Array(this JsonElement obj, params string[] names) =>
        obj.Get(names) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    /// <summary>Strings of an array, or the keys of an object map (older twistcli and the API write <c>riskFactors</c> as a map).</summary>
    public static IReadOnlyList<string> StringsOrKeys(this JsonElement obj, params string[] names) => obj.Get(names) switch
    {
        { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => AsString(e)).OfType<string>().ToList(),
        { ValueKind: JsonValueKind.Object } map => map.EnumerateObject().Select(p => p.Name).Where(n => n.Length > 0).ToList(),
        { ValueKind: JsonValueKind.String } single => AsString(single) is { } s ? [s] : [],
        _ => [],
    };

    static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
