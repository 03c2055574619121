using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KanikoBuild.Scanning;

/// <summary>
/// SARIF 2.1.0 for code-scanning views (GitHub's Security tab, Azure DevOps' SARIF tab, GitLab via converters).
/// Rules are de-duplicated by CVE id (GitHub rejects a run with two rules of one id, prisma-cloud-scan issue #26);
/// a CVE in two packages is one rule and two results. The location is the Dockerfile as a relative URI, never the
/// image name (which GitHub reads as a URI scheme, prisma-cloud-scan issue #38).
/// </summary>
static class SarifReport
{
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    public static string Render(ScanResult result, Verdict verdict, string? dockerfilePath)
    {
        var failing = verdict.FailingFindings.Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        var allowed = verdict.AllowedFindings.ToDictionary(a => a.Finding.Key, a => a.Entry, StringComparer.Ordinal);
        var withoutFix = verdict.WithoutFix.Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        var findings = result.Vulnerabilities.DistinctBy(v => v.Key, StringComparer.Ordinal).ToList();

        var ruleIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var rules = new JsonArray();
        foreach (var group in findings.GroupBy(v => v.Id, StringComparer.OrdinalIgnoreCase))
        {
            ruleIndex[group.Key] = rules.Count;
            rules.Add(Rule(group.ToList()));
        }

        var uri = LocationUri(dockerfilePath);
        var image = result.Identity;
        var results = new JsonArray();
        foreach (var v in findings)
        {
            var disposition = failing.Contains(v.Key) ? "fails-policy"
                : allowed.ContainsKey(v.Key) ? "allowed"
                : withoutFix.Contains(v.Key) ? "no-fix"
                : "within-limits";
            var level = disposition switch
            {
                "fails-policy" => "error",
                "within-limits" when v.Severity >= Severity.High => "warning",
                "within-limits" when v.Severity == Severity.Medium => "warning",
                _ => "note",
            };
            var message = $"{v.Id} ({v.RawSeverity ?? v.Severity.Name()}{(v.Cvss is { } c ? ", CVSS " + Text.Number(c) : "")}) in package {v.PackageName.Or("?")} {v.PackageVersion} of image {image.Name}: " +
                          $"{(v.FixedVersion is { } f ? "fixed in " + f : v.Status.Or("no fix"))}. " +
                          disposition switch
                          {
                              "fails-policy" => "It fails the scan policy.",
                              "allowed" => $"Allowed until {allowed[v.Key].Expires:yyyy-MM-dd}: {allowed[v.Key].Reason}",
                              "no-fix" => "Not counted: no fix yet (onlyFixed).",
                              _ => "Within the policy's limits.",
                          };
            var item = new JsonObject
            {
                ["ruleId"] = v.Id,
                ["ruleIndex"] = ruleIndex[v.Id],
                ["level"] = level,
                ["message"] = new JsonObject { ["text"] = message },
                ["locations"] = new JsonArray(new JsonObject
                {
                    ["physicalLocation"] = new JsonObject
                    {
                        ["artifactLocation"] = new JsonObject { ["uri"] = uri },
                        ["region"] = new JsonObject { ["startLine"] = 1 },
                    },
                    ["message"] = new JsonObject { ["text"] = $"{v.PackageName.Or("?")} {v.PackageVersion}{(v.PackagePath is { } p ? " at " + p : "")}{(v.Layer is { } layer ? " (layer: " + layer + ")" : "")}".Trim() },
                }),
                // Stable across runs for the same image (its identity, never the per-run scan name): the alert stays
                // one alert until the package is fixed.
                ["partialFingerprints"] = new JsonObject { ["kanikobuildFinding/v1"] = StableId.Hex($"{image.Key}|{v.Id.ToUpperInvariant()}|{v.PackageName}|{v.PackagePath}") },
                ["properties"] = new JsonObject
                {
                    ["severity"] = v.Severity.Name(),
                    ["rawSeverity"] = v.RawSeverity,
                    ["package"] = v.PackageName,
                    ["installedVersion"] = v.PackageVersion,
                    ["fixedVersion"] = v.FixedVersion,
                    ["fixStatus"] = v.Status,
                    ["policy"] = disposition,
                },
            };
            if (allowed.TryGetValue(v.Key, out var entry))
            {
                item["suppressions"] = new JsonArray(new JsonObject
                {
                    ["kind"] = "external",
                    ["status"] = "accepted",
                    ["justification"] = $"{entry.Reason} (allowed until {entry.Expires:yyyy-MM-dd})",
                });
            }
            results.Add(item);
        }

        var run = new JsonObject
        {
            ["tool"] = new JsonObject
            {
                ["driver"] = new JsonObject
                {
                    ["name"] = ToolInfo.Name,
                    ["informationUri"] = ToolInfo.InformationUri,
                    ["version"] = ToolInfo.Version,
                    ["rules"] = rules,
                },
            },
            ["invocations"] = new JsonArray(new JsonObject { ["executionSuccessful"] = true }),
            ["results"] = results,
            ["properties"] = new JsonObject
            {
                ["image"] = image.Name,
                ["scannedName"] = result.ImageName == image.Name ? null : result.ImageName,
                ["digest"] = result.Digest,
                ["imageId"] = result.ImageId,
                ["operatingSystem"] = result.OperatingSystem,
                ["verdict"] = verdict.Passed ? "passed" : "failed",
                ["reasons"] = new JsonArray(verdict.Reasons.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
            },
        };
        if (result.ScanTime is { } scanTime)
            ((JsonObject)run["invocations"]![0]!)["endTimeUtc"] = Text.Timestamp(scanTime);

        var log = new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(run),
        };
        RemoveNulls(log);
        return log.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    static JsonObject Rule(IReadOnlyList<Vulnerability> findings)
    {
        var first = findings[0];
        var severity = findings.Max(v => v.Severity);
        var cvss = findings.Max(v => v.Cvss);
        var description = findings.Select(v => v.Description).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d));
        var link = findings.Select(v => v.Link).FirstOrDefault(Text.IsWebLink);
        var packages = string.Join(", ", findings.Select(v => $"{v.PackageName.Or("?")} {v.PackageVersion}".Trim()).Distinct());

        var help = new System.Text.StringBuilder();
        help.AppendLine("| CVE | Severity | CVSS | Package | Version | Fix status | Published |");
        help.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var v in findings)
            help.AppendLine(CultureInfo.InvariantCulture, $"| {v.Id} | {v.RawSeverity ?? v.Severity.Name()} | {Text.Number(v.Cvss)} | {v.PackageName} | {v.PackageVersion} | {v.Status.Or("not fixed")} | {Text.Day(v.Published)} |");
        if (description is not null)
            help.AppendLine().AppendLine(description);

        var rule = new JsonObject
        {
            ["id"] = first.Id,
            ["shortDescription"] = new JsonObject { ["text"] = $"{first.Id} ({severity.Name()}) in {Text.Truncate(packages, 200)}" },
            ["fullDescription"] = new JsonObject { ["text"] = Text.Truncate(description ?? $"{first.Id} in {packages}", 1000) },
            ["defaultConfiguration"] = new JsonObject { ["level"] = severity >= Severity.High ? "error" : severity == Severity.Medium ? "warning" : "note" },
            ["help"] = new JsonObject
            {
                ["text"] = $"{first.Id} ({severity.Name()}{(cvss is { } c ? ", CVSS " + Text.Number(c) : "")}) in {packages}. {(first.FixedVersion is { } f ? "Upgrade to " + f + "." : "No fixed version is known yet.")}",
                ["markdown"] = help.ToString(),
            },
            ["properties"] = new JsonObject
            {
                ["security-severity"] = SecuritySeverity(severity, cvss),
                ["tags"] = new JsonArray("security", "vulnerability", "container", severity.Name()),
                ["precision"] = "very-high",
            },
        };
        if (link is not null)
            rule["helpUri"] = link;
        return rule;
    }

    // GitHub ranks security alerts by this score (≥9 critical, ≥7 high, ≥4 medium, else low). Prisma's own
    // severity is what the policy counts, so the score is kept inside that severity's band.
    static string? SecuritySeverity(Severity severity, double? cvss)
    {
        var (low, high, fallback) = severity switch
        {
            Severity.Critical => (9.0, 10.0, 9.5),
            Severity.High => (7.0, 8.9, 8.0),
            Severity.Medium => (4.0, 6.9, 5.5),
            Severity.Low => (0.1, 3.9, 2.0),
            _ => (0.0, 0.0, double.NaN),
        };
        if (double.IsNaN(fallback))
            return null;
        var score = cvss is { } c && c >= low && c <= high ? c : fallback;
        return score.ToString("0.0", CultureInfo.InvariantCulture);
    }

    /// <summary>The Dockerfile as a URI reference relative to the checkout; "Dockerfile" when unknown.</summary>
    public static string LocationUri(string? dockerfilePath)
    {
        if (string.IsNullOrWhiteSpace(dockerfilePath))
            return "Dockerfile";
        var path = dockerfilePath.Replace('\\', '/');
        if (Path.IsPathFullyQualified(dockerfilePath))
            return new Uri(Path.GetFullPath(dockerfilePath)).AbsoluteUri;
        while (path.StartsWith("./", StringComparison.Ordinal))
            path = path[2..];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString);
        var relative = string.Join('/', segments);
        return relative.Length == 0 ? "Dockerfile" : relative;
    }

    static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
                    obj.Remove(key);
                foreach (var (_, value) in obj)
                    RemoveNulls(value);
                break;
            case JsonArray array:
                foreach (var item in array)
                    RemoveNulls(item);
                break;
        }
    }
}
