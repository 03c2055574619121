using System.Text;

namespace KanikoBuild.Dockerfiles;

/// <summary>Substitutes <c>$NAME</c>, <c>${NAME}</c>, <c>${NAME:-default}</c> and <c>${NAME:+alternative}</c> the way FROM lines are expanded.</summary>
internal static class ArgumentExpander
{
    public static IReadOnlyDictionary<string, string?> MetaScope(IEnumerable<BuildArgument> metaArguments, IReadOnlyDictionary<string, string>? overrides)
    {
        var scope = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var argument in metaArguments)
        {
            // A default may use the meta ARGs declared before it (ARG BASE=${REGISTRY}/alpine).
            scope[argument.Name] = overrides is not null && overrides.TryGetValue(argument.Name, out var value) ? value
                : argument.DefaultValue is null ? null : Expand(argument.DefaultValue, scope);
        }
        return scope;
    }

    public static string Expand(string text, IReadOnlyDictionary<string, string?> scope)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                result.Append(c);
                continue;
            }
            if (text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    result.Append(text, i, text.Length - i);
                    break;
                }
                result.Append(ExpandBraced(text[(i + 2)..close], scope));
                i = close;
                continue;
            }
            var end = i + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
                end++;
            if (end == i + 1)
            {
                result.Append(c);
                continue;
            }
            result.Append(Lookup(text[(i + 1)..end], scope) ?? string.Empty);
            i = end - 1;
        }
        return result.ToString();
    }

    static string ExpandBraced(string expression, IReadOnlyDictionary<string, string?> scope)
    {
        var colon = expression.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || colon + 1 >= expression.Length)
            return Lookup(expression.TrimEnd(':'), scope) ?? string.Empty;
        var name = expression[..colon];
        var word = expression[(colon + 2)..];
        var value = Lookup(name, scope);
        return expression[colon + 1] switch
        {
            '-' => string.IsNullOrEmpty(value) ? word : value,
            '+' => string.IsNullOrEmpty(value) ? string.Empty : word,
            _ => value ?? string.Empty,
        };
    }

    static string? Lookup(string name, IReadOnlyDictionary<string, string?> scope) =>
        scope.TryGetValue(name, out var value) ? value : null;
}
