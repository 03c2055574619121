using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace KanikoBuild.Engine.Parameters;

/// <summary>
/// Converts textual parameter values into the member's type; a failure explains what was expected. Besides the
/// primitives, paths, URLs and enums, any type that implements <see cref="IParsable{TSelf}"/> parses itself (a digest,
/// an image reference, a registry, the fail-on limits): the value is typed once, here, where it enters.
/// </summary>
internal static class ValueConverter
{
    static readonly ConcurrentDictionary<Type, Func<string, object>?> s_parsers = new();

    /// <param name="values">The tokens after a switch (empty for a bare switch), or one value from the environment or a file.</param>
    /// <param name="baseDirectory">What relative paths are relative to.</param>
    public static object? Convert(Type type, IReadOnlyList<string> values, string? separator, string baseDirectory)
    {
        if (type.IsArray)
        {
            var elementType = type.GetElementType()!;
            var elements = separator is null ? values : values.SelectMany(v => v.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            // A blank element of a self-parsing type is no element ("--destination ''" from an empty CI variable).
            if (IsEmptyWhenBlank(elementType))
                elements = elements.Where(e => !string.IsNullOrWhiteSpace(e)).ToList();
            var array = Array.CreateInstance(elementType, elements.Count);
            for (var i = 0; i < elements.Count; i++)
                array.SetValue(ConvertScalar(elementType, elements[i], baseDirectory), i);
            return array;
        }

        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        if (values.Count == 0)
        {
            if (scalar == typeof(bool))
                return true;
            throw new FormatException("a value is missing after the switch");
        }
        if (values.Count > 1)
            throw new FormatException($"one value expected, got {values.Count} ({string.Join(" ", values.Select(v => $"'{v}'"))}); quote a value that contains spaces");
        // An empty CI variable means "not given" for an optional URL or self-parsing value, as it does for a string.
        if (string.IsNullOrWhiteSpace(values[0]) && IsEmptyWhenBlank(scalar) && (!type.IsValueType || Nullable.GetUnderlyingType(type) is not null))
            return null;
        return ConvertScalar(scalar, values[0], baseDirectory);
    }

    public static object? ConvertScalar(Type type, string value, string baseDirectory)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
            return value;
        if (type == typeof(bool))
        {
            if (value.Length == 0)
                return false;
            if (bool.TryParse(value, out var b))
                return b;
            throw new FormatException($"'{value}' is not a boolean; use true or false");
        }
        if (type.IsEnum)
        {
            var key = NameCase.Normalize(value);
            foreach (var name in Enum.GetNames(type))
            {
                if (NameCase.Normalize(name) == key)
                    return Enum.Parse(type, name);
            }
            throw new FormatException($"'{value}' is not one of {string.Join(", ", Enum.GetNames(type))}");
        }
        if (type == typeof(int))
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new FormatException($"'{value}' is not an integer");
        if (type == typeof(long))
            return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : throw new FormatException($"'{value}' is not an integer");
        if (type == typeof(double))
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new FormatException($"'{value}' is not a number");
        if (type == typeof(TimeSpan))
            return ParseTimeSpan(value);
        if (type == typeof(AbsolutePath))
        {
            if (value.Length == 0)
                throw new FormatException("an empty path");
            return AbsolutePath.Create(Path.Combine(baseDirectory, ExpandHome(value)));
        }
        if (type == typeof(Uri))
        {
            return value.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(value, UriKind.Absolute, out var uri)
                ? uri
                : throw new FormatException($"'{value}' is not an absolute URL (e.g. https://host:8083)");
        }
        if (Parser(type) is { } parse)
            return parse(value);
        throw new FormatException($"parameters of type {type.Name} are not supported");
    }

    /// <summary>Whether the engine can convert a value to <paramref name="type"/> (or its elements, or its underlying type).</summary>
    public static bool Supports(Type type)
    {
        type = type.IsArray ? type.GetElementType()! : Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type == typeof(bool) || type.IsEnum || type == typeof(int) || type == typeof(long) || type == typeof(double)
            || type == typeof(TimeSpan) || type == typeof(AbsolutePath) || type == typeof(Uri) || Parser(type) is not null;
    }

    static bool IsEmptyWhenBlank(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(Uri) || (type != typeof(string) && !type.IsPrimitive && type != typeof(TimeSpan) && !type.IsEnum && Parser(type) is not null);
    }

    /// <summary><c>T.Parse(value, InvariantCulture)</c> for a type that implements <see cref="IParsable{TSelf}"/>, or null.</summary>
    static Func<string, object>? Parser(Type type) => s_parsers.GetOrAdd(type, static t =>
    {
        var parsable = t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IParsable<>) && i.GetGenericArguments()[0] == t);
        if (!parsable)
            return null;
        var method = typeof(ValueConverter).GetMethod(nameof(ParseWith), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t);
        return method.CreateDelegate<Func<string, object>>();
    });

    static object ParseWith<T>(string value) where T : IParsable<T> => T.Parse(value.Trim(), CultureInfo.InvariantCulture);

    /// <summary><c>00:10:00</c>, <c>1.00:00:00</c>, plain seconds (<c>600</c>), or a number with a unit (<c>90s</c>, <c>10m</c>, <c>2h</c>, <c>500ms</c>).</summary>
    public static TimeSpan ParseTimeSpan(string value)
    {
        var text = value.Trim();
        if (text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
            return span;
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("", 1)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
                return TimeSpan.FromSeconds(n * seconds);
        }
        throw new FormatException($"'{value}' is not a duration; use hh:mm:ss, seconds, or a number with s, m or h (e.g. 10m)");
    }

    static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;
}
