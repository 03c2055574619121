using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace KanikoBuild.Scanning;

/// <summary>
/// <c>--fail-on critical=0,high=5</c>: limits that replace the policy's for the severities named (<c>medium=none</c>
/// lifts one). Parsed once, where the value enters; applied to whichever policy the run loads.
/// </summary>
public sealed record FailOnLimits : IParsable<FailOnLimits>
{
    readonly IReadOnlyList<(Severity Severity, int? Limit)> _limits;

    FailOnLimits(string text, IReadOnlyList<(Severity, int?)> limits)
    {
        Text = text;
        _limits = limits;
    }

    /// <summary>The value as given, which the reports quote.</summary>
    public string Text { get; }

    public SeverityLimits ApplyTo(SeverityLimits limits) => _limits.Aggregate(limits, (all, l) => all.With(l.Severity, l.Limit));

    public static FailOnLimits Parse(string s, IFormatProvider? provider = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var text = s.Trim();
        var limits = new List<(Severity, int?)>();
        foreach (var part in text.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
                throw Error(text, $"'{part}' is not severity=limit");
            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (!Severities.TryParseLimitKey(key, out var severity))
                throw Error(text, $"'{key}' is not a severity; use critical, high, medium or low");
            if (limits.Any(l => l.Item1 == severity))
                throw Error(text, $"'{key}' is given twice");
            int? limit;
            if (value.Equals("none", StringComparison.OrdinalIgnoreCase) || value.Equals("null", StringComparison.OrdinalIgnoreCase))
                limit = null;
            else if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0)
                limit = number;
            else
                throw Error(text, $"the limit '{value}' for {key} is not a whole number ≥ 0 (or 'none')");
            limits.Add((severity, limit));
        }
        if (limits.Count == 0)
            throw Error(text, "it names no severity");
        return new FailOnLimits(text, limits);
    }

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out FailOnLimits result)
    {
        try
        {
            result = s is null ? null : Parse(s, provider);
            return result is not null;
        }
        catch (PipelineException)
        {
            result = null;
            return false;
        }
    }

    public override string ToString() => Text;

    static PipelineException Error(string text, string problem)
    {
        var name = ParameterName.Of<VerdictOptions>(nameof(VerdictOptions.FailOn));
        return new($"{name} '{text}': {problem}. Example: {name} critical=0,high=5 (none lifts a limit).");
    }
}
