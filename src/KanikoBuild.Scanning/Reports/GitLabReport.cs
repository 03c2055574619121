using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KanikoBuild.Scanning;

/// <summary>
/// GitLab's container-scanning report (<c>gl-container-scanning-report.json</c>, uploaded with
/// <c>artifacts:reports:container_scanning</c>). GitLab validates a report against the schema version it
/// declares and drops versions it does not know (kaniko.md §4.2: GitLab 17.2 took 15.0.0–15.1.4), so the report
/// declares 15.0.7 and uses only fields that version already had. Every finding is listed (GitLab is where people
/// triage, not the gate); the verdict is in <c>scan.messages</c>.
/// </summary>
static class GitLabReport
{
    public const string SchemaVersion = "15.0.7";

    public static string Render(ScanResult result, Verdict verdict, TimeProvider time)
    {
        // GitLab tracks a vulnerability across pipelines by its location (image, OS, package) and id: both come
        // from the image's identity, never from the per-run scan name.
        var image = result.Identity;
        var os = result.OperatingSystem.Or("unknown");
        var now = time.GetUtcNow();
        var start = result.ScanTime ?? now;
        var end = result.ScanTime is { } scanned && scanned > now ? scanned : result.ScanTime ?? now;
        var allowed = verdict.AllowedFindings.ToDictionary(a => a.Finding.Key, a => a.Entry, StringComparer.Ordinal);

        var vulnerabilities = new JsonArray();
        foreach (var v in result.Vulnerabilities.DistinctBy(v => v.Key, StringComparer.Ordinal))
        {
            var solution = v.FixedVersions.Count > 1 ? $"Upgrade {v.PackageName.Or("the package")} to one of {v.FixedVersion}."
                : v.FixedVersion is { } fixedIn ? $"Upgrade {v.PackageName.Or("the package")} to {fixedIn}."
                : v.HasFix ? $"Upgrade {v.PackageName.Or("the package")} to a fixed version."
                : $"No fix available yet{(v.Status is { } s ? $" (status: {s})" : "")}.";
            if (allowed.TryGetValue(v.Key, out var entry))
                solution += $" Accepted by the scan policy until {entry.Expires:yyyy-MM-dd}: {entry.Reason}";

            var item = new JsonObject
            {
                ["id"] = StableId.Uuid($"gitlab|{image.Key}|{v.Key}"),
                ["name"] = Text.Truncate(v.Id, 255),
                ["description"] = Text.Truncate(v.Description.Or($"{v.Id} in {v.PackageName.Or("a package")} {v.PackageVersion}".TrimEnd()), 1_000_000),
                ["severity"] = GitLabSeverity(v.Severity),
                ["solution"] = Text.Truncate(solution, 7000),
                ["identifiers"] = new JsonArray(Identifier(v)),
                ["location"] = new JsonObject
                {
                    ["dependency"] = new JsonObject
                    {
                        ["package"] = new JsonObject { ["name"] = v.PackageName.Or("unknown") },
                        ["version"] = v.PackageVersion ?? "",
                    },
                    ["operating_system"] = os,
                    ["image"] = image.Name,
                },
            };
            if (Text.IsWebLink(v.Link))
                item["links"] = new JsonArray(new JsonObject { ["url"] = v.Link });
            vulnerabilities.Add(item);
        }

        var messages = new JsonArray(new JsonObject { ["level"] = "info", ["value"] = PolicyEvaluator.OneLine(result, verdict) });
        foreach (var note in verdict.Notes)
            messages.Add(new JsonObject { ["level"] = "warn", ["value"] = note });

        var report = new JsonObject
        {
            ["version"] = SchemaVersion,
            ["scan"] = new JsonObject
            {
                ["analyzer"] = new JsonObject
                {
                    ["id"] = "kanikobuild",
                    ["name"] = "KanikoBuild",
                    ["vendor"] = new JsonObject { ["name"] = "KanikoBuild" },
                    ["version"] = ToolInfo.Version,
                },
                ["scanner"] = new JsonObject
                {
                    ["id"] = result.Source == ScanSource.TwistcliFile ? "prisma-cloud-twistcli" : "prisma-cloud-compute-registry",
                    ["name"] = result.Source == ScanSource.TwistcliFile ? "Prisma Cloud twistcli" : "Prisma Cloud Compute registry scan",
                    ["url"] = ToolInfo.InformationUri,
                    ["vendor"] = new JsonObject { ["name"] = "Palo Alto Networks" },
                    ["version"] = result.ScannerVersion.Or("unknown"),
                },
                ["type"] = "container_scanning",
                ["start_time"] = GitLabTime(start),
                ["end_time"] = GitLabTime(end),
                ["status"] = "success",
                ["messages"] = messages,
            },
            ["vulnerabilities"] = vulnerabilities,
            ["remediations"] = new JsonArray(),
        };
        return report.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    static JsonObject Identifier(Vulnerability v)
    {
        var id = v.Id.Trim();
        var type = id.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase) ? "cve"
            : id.StartsWith("GHSA-", StringComparison.OrdinalIgnoreCase) ? "ghsa"
            : "prisma";
        var identifier = new JsonObject { ["type"] = type, ["name"] = id, ["value"] = id };
        var url = Text.IsWebLink(v.Link) ? v.Link
            : type == "cve" ? $"https://nvd.nist.gov/vuln/detail/{Uri.EscapeDataString(id.ToUpperInvariant())}"
            : null;
        if (url is not null)
            identifier["url"] = url;
        return identifier;
    }

    static string GitLabSeverity(Severity severity) => severity switch
    {
        Severity.Critical => "Critical",
        Severity.High => "High",
        Severity.Medium => "Medium",
        Severity.Low => "Low",
        _ => "Unknown",
    };

    // The schema wants yyyy-mm-ddThh:mm:ss, UTC, without a zone suffix.
    static string GitLabTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}
