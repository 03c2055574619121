using System.Diagnostics.CodeAnalysis;

namespace KanikoBuild.Scanning;

/// <summary>One <c>--report-formats</c> value: a format, several separated by commas, or <c>all</c> (case-insensitive).</summary>
public sealed record ReportSelection : IParsable<ReportSelection>
{
    ReportSelection(IReadOnlySet<ReportFormat> formats) => Formats = formats;

    /// <summary>The formats named; empty for an empty value.</summary>
    public IReadOnlySet<ReportFormat> Formats { get; }

    /// <summary>Every format the selections name; all of them when none names any.</summary>
    public static IReadOnlySet<ReportFormat> Union(IEnumerable<ReportSelection> selections)
    {
        var formats = selections.SelectMany(s => s.Formats).ToHashSet();
        return formats.Count == 0 ? ReportOptions.AllFormats : formats;
    }

    public static ReportSelection Parse(string s, IFormatProvider? provider = null)
    {
        var names = (s ?? string.Empty).Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Equals("all", StringComparison.OrdinalIgnoreCase)))
            return new ReportSelection(ReportOptions.AllFormats);
        var formats = new HashSet<ReportFormat>();
        foreach (var name in names)
        {
            ReportFormat? format = name.ToLowerInvariant() switch
            {
                "log" or "console" => ReportFormat.Log,
                "markdown" or "md" => ReportFormat.Markdown,
                "junit" or "junit-xml" => ReportFormat.JUnit,
                "sarif" => ReportFormat.Sarif,
                "gitlab" or "gl-container-scanning" => ReportFormat.GitLab,
                "json" => ReportFormat.Json,
                _ => null,
            };
            if (format is null)
                throw new PipelineException($"{ParameterName.Of<VerdictOptions>(nameof(VerdictOptions.ReportFormats))}: '{name}' is not a report format; use log, markdown, junit, sarif, gitlab, json (or all).");
            formats.Add(format.Value);
        }
        return new ReportSelection(formats);
    }

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out ReportSelection result)
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

    public override string ToString() => string.Join(",", Formats.Select(f => f.ToString().ToLowerInvariant()));
}
