using System.Globalization;

namespace KanikoBuild.Scanning;

/// <summary>
/// Applies a <see cref="ScanPolicy"/> to a <see cref="ScanResult"/>.
/// <para>
/// Counting: a finding is one CVE in one package (CVE, package, version, path). The same CVE in two packages is
/// two findings and counts twice, because each package needs its own upgrade; the identical finding listed twice
/// (same CVE, package, version and path) counts once. An allowed CVE is allowed in every package.
/// </para>
/// <para>
/// Order per finding: an active allow entry wins (allowed, not counted); otherwise, with <c>onlyFixed</c>, a finding
/// without a fix is not counted; otherwise it counts, and if its allow entry expired the verdict says so.
/// Unknown severities (unreviewed, unassigned, new values) have no limit key and never fail on their own.
/// </para>
/// </summary>
public static class PolicyEvaluator
{
    const int NamedInReason = 5;

    public static Verdict Evaluate(ScanResult result, ScanPolicy policy, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(policy);

        var unique = result.Vulnerabilities.DistinctBy(v => v.Key, StringComparer.Ordinal).ToList();
        var counted = new List<Vulnerability>();
        var allowed = new List<AllowedFinding>();
        var expired = new List<ExpiredAllowance>();
        var withoutFix = new List<Vulnerability>();

        foreach (var finding in unique)
        {
            var entry = policy.Allow.FirstOrDefault(a => a.Matches(finding.Id));
            if (entry is not null && entry.IsActiveOn(today))
            {
                allowed.Add(new AllowedFinding(finding, entry));
                continue;
            }
            if (policy.OnlyFixed && !finding.HasFix)
            {
                withoutFix.Add(finding);
                continue;
            }
            counted.Add(finding);
            if (entry is not null)
                expired.Add(new ExpiredAllowance(finding, entry));
        }

        var vulnerabilityCounts = Severities.Descending.Select(s => new SeverityCount(
            s,
            Total: unique.Count(v => v.Severity == s),
            Counted: counted.Count(v => v.Severity == s),
            Allowed: allowed.Count(a => a.Finding.Severity == s),
            WithoutFix: withoutFix.Count(v => v.Severity == s),
            Limit: policy.FailOn.For(s)) { Unfixed = unique.Count(v => v.Severity == s && !v.HasFix) }).ToList();

        var complianceCounts = Severities.Descending.Select(s =>
        {
            var n = result.ComplianceIssues.Count(c => c.Severity == s);
            return new SeverityCount(s, n, n, 0, 0, policy.Compliance.For(s));
        }).ToList();

        var reasons = new List<string>();
        var failing = new List<Vulnerability>();
        foreach (var count in vulnerabilityCounts.Where(c => c.OverLimit))
        {
            var findings = counted.Where(v => v.Severity == count.Severity).OrderByDescending(v => v.Cvss ?? -1).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
            failing.AddRange(findings);
            var reason = $"{Plural(count.Counted, $"{count.Severity.Name()} vulnerability", $"{count.Severity.Name()} vulnerabilities")} counted, limit {count.Limit}: {Names(findings.Select(f => f.Id).Distinct(StringComparer.OrdinalIgnoreCase))}";
            var lapsed = expired.Where(e => e.Finding.Severity == count.Severity).Select(e => $"{e.Finding.Id} (allowed until {Day(e.Entry.Expires)})").Distinct().ToList();
            if (lapsed.Count > 0)
                reason += $"; counted again because the allow entry expired: {string.Join(", ", lapsed)}";
            reasons.Add(reason);
        }

        var failingCompliance = new List<ComplianceIssue>();
        foreach (var count in complianceCounts.Where(c => c.OverLimit))
        {
            var issues = result.ComplianceIssues.Where(c => c.Severity == count.Severity).ToList();
            failingCompliance.AddRange(issues);
            reasons.Add($"{Plural(count.Counted, $"{count.Severity.Name()} compliance issue", $"{count.Severity.Name()} compliance issues")}, limit {count.Limit}: {Names(issues.Select(ComplianceName))}");
        }

        if (policy.ConsoleVerdict)
        {
            if (result.VulnerabilityScanPassed == false)
                reasons.Add("the Console's own vulnerability verdict is failed (its CI policy blocks this image; set \"consoleVerdict\": false to rely on this policy alone)");
            if (result.ComplianceScanPassed == false)
                reasons.Add("the Console's own compliance verdict is failed (its CI policy blocks this image; set \"consoleVerdict\": false to rely on this policy alone)");
        }

        var notes = new List<string>(result.Notes);
        if (expired.Count > 0 && failing.Count == 0)
            notes.Add($"Allow entries expired and their findings count again: {string.Join(", ", expired.Select(e => $"{e.Finding.Id} (expired {Day(e.Entry.Expires)})").Distinct())}.");
        var expiredUnused = policy.Allow.Where(a => !a.IsActiveOn(today) && !expired.Any(e => e.Entry == a)).Select(a => a.Id).ToList();
        if (expiredUnused.Count > 0)
            notes.Add($"Expired allow entries with no counted finding (remove them): {string.Join(", ", expiredUnused)}.");
        var unused = policy.Allow.Where(a => a.IsActiveOn(today) && !allowed.Any(f => f.Entry == a)).Select(a => a.Id).ToList();
        if (unused.Count > 0)
            notes.Add($"Allow entries that matched no finding: {string.Join(", ", unused)}.");

        return new Verdict
        {
            Passed = reasons.Count == 0,
            Reasons = reasons,
            VulnerabilityCounts = vulnerabilityCounts,
            ComplianceCounts = complianceCounts,
            FailingFindings = failing,
            FailingCompliance = failingCompliance,
            AllowedFindings = allowed,
            ExpiredAllowances = expired,
            WithoutFix = withoutFix,
            Notes = notes,
            Policy = policy,
            EvaluatedOn = today,
        };
    }

    /// <summary>The verdict in one line, as the log's last line and the Markdown heading say it.</summary>
    public static string OneLine(ScanResult result, Verdict verdict)
    {
        var counts = string.Join(", ", verdict.VulnerabilityCounts.Where(c => c.Limit is not null || c.Counted > 0)
            .Select(c => $"{c.Severity.Name()} {c.Counted}{(c.Limit is { } l ? "/" + l.ToString(CultureInfo.InvariantCulture) : "")}"));
        var allowed = verdict.AllowedFindings.Count > 0 ? $", {verdict.AllowedFindings.Count} allowed" : "";
        return verdict.Passed
            ? $"Scan verdict for {result.Identity.Name}: PASSED ({counts}{allowed})"
            : $"Scan verdict for {result.Identity.Name}: FAILED, {string.Join("; ", verdict.Reasons)}";
    }

    static string ComplianceName(ComplianceIssue c) =>
        c.Id is { } id ? $"{id.ToString(CultureInfo.InvariantCulture)} {c.Title}".TrimEnd() : c.Title ?? "(untitled)";

    static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        var shown = string.Join(", ", list.Take(NamedInReason));
        return list.Count > NamedInReason ? $"{shown} and {list.Count - NamedInReason} more" : shown;
    }

    static string Plural(int n, string one, string many) => $"{n.ToString(CultureInfo.InvariantCulture)} {(n == 1 ? one : many)}";

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
