using System.Globalization;
using Serilog;

namespace KanikoBuild.Scanning;

/// <summary>
/// The build-log report: a table by severity, the findings that fail the policy, then the verdict in one line
/// (Error level when it failed), so the last line of a failed job says why.
/// </summary>
static class LogReport
{
    const int MaxListed = 50;

    public static void Write(ScanResult result, Verdict verdict, ILogger logger)
    {
        void Line(string text) => logger.Information("{Line:l}", text);

        Line($"Prisma Cloud scan of {result.Identity.Name}{(result.Digest is { } d && d != result.Identity.Name ? $" ({d})" : "")}: " +
             $"{result.OperatingSystem.Or("unknown OS")}, {result.Packages.Count} packages, {result.Vulnerabilities.Count} findings, " +
             $"from {(result.Source == ScanSource.TwistcliFile ? "twistcli" : "the Console registry scan")}" +
             (result.ScanTime is { } t ? $" at {Text.Timestamp(t)}" : ""));
        Line(string.Format(CultureInfo.InvariantCulture, "{0,-10} {1,6} {2,8} {3,8} {4,7} {5,6}", "severity", "total", "counted", "allowed", "no fix", "limit"));
        foreach (var c in verdict.VulnerabilityCounts)
        {
            Line(string.Format(CultureInfo.InvariantCulture, "{0,-10} {1,6} {2,8} {3,8} {4,7} {5,6}{6}",
                c.Severity.Name(), c.Total, c.Counted, c.Allowed, c.Unfixed, c.Limit?.ToString(CultureInfo.InvariantCulture) ?? "-", c.OverLimit ? "  over the limit" : ""));
        }
        if (result.ComplianceIssues.Count > 0)
        {
            Line("compliance " + string.Join(", ", verdict.ComplianceCounts.Where(c => c.Total > 0 || c.Limit is not null)
                .Select(c => $"{c.Severity.Name()} {c.Total}{(c.Limit is { } l ? "/" + l.ToString(CultureInfo.InvariantCulture) : "")}{(c.OverLimit ? " over the limit" : "")}")));
        }

        if (verdict.FailingFindings.Count > 0)
        {
            Line($"Findings that fail the policy ({verdict.FailingFindings.Count}):");
            foreach (var v in verdict.FailingFindings.Take(MaxListed))
                Line($"  {v.Id,-20} {v.Severity.Name(),-8} {v.PackageName.Or("?")} {Text.Upgrade(v)}");
            if (verdict.FailingFindings.Count > MaxListed)
                Line($"  … and {verdict.FailingFindings.Count - MaxListed} more (see the reports)");
        }
        foreach (var c in verdict.FailingCompliance.Take(MaxListed))
            Line($"  compliance {c.Id?.ToString(CultureInfo.InvariantCulture) ?? "-"} {c.Severity.Name()}: {c.Title.Or("(untitled)")}");
        foreach (var a in verdict.AllowedFindings.Take(MaxListed))
            Line($"  allowed {a.Finding.Id} ({a.Finding.Severity.Name()}, {a.Finding.PackageName.Or("?")}) until {a.Entry.Expires:yyyy-MM-dd}: {a.Entry.Reason}");
        foreach (var e in verdict.ExpiredAllowances.Take(MaxListed))
            logger.Warning("{Line:l}", $"  allow entry for {e.Entry.Id} expired on {e.Entry.Expires:yyyy-MM-dd}: {e.Finding.Id} in {e.Finding.PackageName.Or("?")} counts again");
        foreach (var note in verdict.Notes)
            logger.Warning("{Line:l}", note);

        var verdictLine = PolicyEvaluator.OneLine(result, verdict);
        if (verdict.Passed)
            logger.Information("{Line:l}", verdictLine);
        else
            logger.Error("{Line:l}", verdictLine);
    }
}
