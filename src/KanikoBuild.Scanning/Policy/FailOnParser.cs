using System.Globalization;

namespace KanikoBuild.Scanning;

/// <summary>Parses <c>--fail-on critical=0,high=5</c> (also <c>medium=none</c> to lift a limit).</summary>
public static class FailOnParser
{
    public static SeverityLimits Apply(string text, SeverityLimits limits)
    {
        ArgumentNullException.ThrowIfNull(text);
        var seen = new HashSet<Severity>();
        foreach (var part in text.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
                throw Error(text, $"'{part}' is not severity=limit");
            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (!Severities.TryParseLimitKey(key, out var severity))
                throw Error(text, $"'{key}' is not a severity; use critical, high, medium or low");
            if (!seen.Add(severity))
                throw Error(text, $"'{key}' is given twice");
            int? limit;
            if (value.Equals("none", StringComparison.OrdinalIgnoreCase) || value.Equals("null", StringComparison.OrdinalIgnoreCase))
                limit = null;
            else if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0)
                limit = number;
            else
                throw Error(text, $"the limit '{value}' for {key} is not a whole number ≥ 0 (or 'none')");
            limits = limits.With(severity, limit);
        }
        if (seen.Count == 0)
            throw Error(text, "it names no severity");
        return limits;
    }

    static PipelineException Error(string text, string problem) =>
        new($"--fail-on '{text}': {problem}. Example: --fail-on critical=0,high=5 (none lifts a limit).");
}
