using System.Collections.Concurrent;

namespace KanikoBuild;

/// <summary>
/// The process-wide set of secret values. The engine registers every <c>[Secret]</c> parameter; parts that
/// derive a credential (a Console token, a registry bearer token) register it too. The logging pipeline
/// masks every registered value in one place, so no caller has to remember to.
/// </summary>
public static class Secrets
{
    public const string Redacted = "[REDACTED]";

    // Shorter values would mask ordinary words and numbers all over the log.
    const int MinimumLength = 4;

    static readonly ConcurrentDictionary<string, byte> s_values = new(StringComparer.Ordinal);
    static volatile string[] s_ordered = [];

    public static IReadOnlyCollection<string> Values => s_ordered;

    public static void Register(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < MinimumLength || !s_values.TryAdd(value, 0))
            return;
        // Longest first, so a secret that contains another is masked whole.
        s_ordered = s_values.Keys.OrderByDescending(v => v.Length).ToArray();
    }

    /// <summary>Replaces every registered secret in <paramref name="text"/> with <see cref="Redacted"/>.</summary>
    public static string Mask(string text)
    {
        var values = s_ordered;
        if (values.Length == 0 || string.IsNullOrEmpty(text))
            return text;
        foreach (var value in values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
                text = text.Replace(value, Redacted, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>For tests: forgets every registered value.</summary>
    public static void Clear()
    {
        s_values.Clear();
        s_ordered = [];
    }
}
