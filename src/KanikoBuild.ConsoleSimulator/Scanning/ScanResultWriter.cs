using System.Text.Json.Nodes;

namespace KanikoBuild.ConsoleSimulator.Scanning;

/// <summary>
/// Writes findings in the two shapes Prisma uses: the registry API's <c>shared.ImageScanResult</c>
/// (prisma.md §2.3: integer <c>id</c> plus <c>cve</c>, Unix times) and twistcli's <c>--output-file</c>
/// result (§1.5: CVE in <c>id</c>, date strings), each with the scenario's field variants.
/// </summary>
internal static class ScanResultWriter
{
    /// <summary>The distribution buckets the Console counts an open severity into.</summary>
    public static string Bucket(string severity) => severity.Trim().ToLowerInvariant() switch
    {
        "critical" => "critical",
        "high" or "important" => "high",
        "medium" or "moderate" => "medium",
        _ => "low",
    };

    static readonly string[] s_bucketOrder = ["low", "medium", "high", "critical"];

    public static bool Blocks(IReadOnlyList<Finding> findings, string threshold)
    {
        var limit = System.Array.IndexOf(s_bucketOrder, threshold.Trim().ToLowerInvariant());
        return limit >= 0 && findings.Any(f => System.Array.IndexOf(s_bucketOrder, Bucket(f.Entry.Severity)) >= limit);
    }

    public static JsonObject RegistryResult(PulledImage image, string registry, string repo, string? tag, IReadOnlyList<Finding> findings,
        FieldVariants fields, DateTimeOffset scanTime, int scanId, string consoleVersion)
    {
        var repoTag = new JsonObject { ["registry"] = registry, ["repo"] = repo, ["tag"] = tag ?? string.Empty, ["digest"] = image.ManifestDigest, ["id"] = image.ConfigDigest };
        var vulnerabilities = new JsonArray(findings.Select(f => (JsonNode)ApiVulnerability(f, fields)).ToArray());
        return new JsonObject
        {
            ["_id"] = image.ConfigDigest,
            ["id"] = image.ConfigDigest,
            ["type"] = "registry",
            ["hostname"] = "console-simulator",
            ["scanTime"] = Iso(scanTime),
            ["firstScanTime"] = Iso(scanTime),
            ["creationTime"] = image.Created is { } created ? Iso(created) : null,
            ["pushTime"] = null,
            ["scanID"] = scanId,
            ["scanVersion"] = consoleVersion,
            ["osDistro"] = image.Contents.Distro,
            ["osDistroRelease"] = image.Contents.DistroRelease,
            ["distro"] = image.Contents.PrettyName ?? image.Contents.Distro,
            ["repoTag"] = repoTag,
            ["tags"] = new JsonArray(repoTag.DeepClone()),
            ["repoDigests"] = new JsonArray($"{registry}/{repo}@{image.ManifestDigest}"),
            ["image"] = new JsonObject { ["created"] = "0001-01-01T00:00:00Z" },
            ["layers"] = Array(image.LayerDigests.Select(l => (JsonNode)l), fields),
            ["labels"] = Array(image.Labels.Select(l => (JsonNode)l), fields),
            ["collections"] = new JsonArray("All"),
            ["packages"] = new JsonArray(new JsonObject
            {
                ["pkgsType"] = "package",
                ["pkgs"] = Array(image.Contents.Packages.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["version"] = p.Version }), fields),
            }),
            ["vulnerabilities"] = findings.Count == 0 && fields.NullArrays ? null : vulnerabilities,
            ["vulnerabilitiesCount"] = Number(findings.Count, fields),
            ["vulnerabilityDistribution"] = Distribution(findings, fields),
            ["complianceIssues"] = fields.NullArrays ? null : new JsonArray(),
            ["complianceIssuesCount"] = Number(0, fields),
            ["complianceDistribution"] = Distribution([], fields),
            ["riskFactors"] = new JsonObject(),
            ["err"] = string.Empty,
        };
    }

    public static JsonObject TwistcliResult(string reportId, ImageContents contents, IReadOnlyList<Finding> findings, FieldVariants fields,
        bool passed, DateTimeOffset scanTime, int scanId)
    {
        var result = new JsonObject
        {
            // --containerized results carry no image id, registry or layers (prisma.md §1.5).
            ["id"] = string.Empty,
            ["name"] = reportId,
            ["distro"] = contents.PrettyName ?? contents.Distro,
            ["distroRelease"] = contents.DistroRelease,
            ["digest"] = string.Empty,
            ["collections"] = new JsonArray("All"),
            ["packages"] = Array(contents.Packages.Select(p => (JsonNode)new JsonObject
            {
                ["type"] = "os", ["name"] = p.Name, ["version"] = p.Version, ["path"] = p.Path, ["licenses"] = new JsonArray(),
            }), fields),
            ["applications"] = fields.NullArrays ? null : new JsonArray(),
            ["compliances"] = fields.NullArrays ? null : new JsonArray(),
            ["complianceDistribution"] = Distribution([], fields),
            ["complianceScanPassed"] = true,
            ["vulnerabilities"] = Array(findings.Select(f => (JsonNode)TwistcliVulnerability(f, fields, scanTime)), fields),
            ["vulnerabilityDistribution"] = Distribution(findings, fields),
            [fields.PluralScanPassed ? "vulnerabilitiesScanPassed" : "vulnerabilityScanPassed"] = passed,
            ["history"] = fields.NullArrays ? null : new JsonArray(),
            ["scanTime"] = Iso(scanTime),
            ["scanID"] = scanId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return result;
    }

    static JsonObject ApiVulnerability(Finding finding, FieldVariants fields)
    {
        var e = finding.Entry;
        var vulnerability = new JsonObject
        {
            ["id"] = fields.CveInId ? e.Cve : StableRuleId(e.Cve),
            ["cvss"] = e.Cvss,
            ["vecStr"] = e.Vector ?? string.Empty,
            ["severity"] = e.Severity,
            ["status"] = e.Status,
            ["packageName"] = finding.Package.Name,
            ["packageVersion"] = finding.Package.Version,
            ["packageType"] = "os",
            ["link"] = e.Link ?? string.Empty,
            ["description"] = e.Description ?? string.Empty,
            ["published"] = Number(e.Published ?? 0, fields),
            ["discovered"] = "0001-01-01T00:00:00Z",
            ["type"] = "image",
            ["riskFactors"] = fields.SwapRiskFactorsShape
                ? new JsonArray(e.RiskFactors.Select(r => (JsonNode)r).ToArray())
                : new JsonObject(e.RiskFactors.Select(r => KeyValuePair.Create(r, (JsonNode?)new JsonObject()))),
            ["binaryPkgs"] = fields.NullArrays ? null : new JsonArray(finding.Package.Name),
        };
        if (!fields.CveInId)
            vulnerability["cve"] = e.Cve;
        if (e.FixDate is { } fixDate)
            vulnerability[fields.SwapFixDateName ? "fixedDate" : "fixDate"] = Number(fixDate, fields);
        return vulnerability;
    }

    static JsonObject TwistcliVulnerability(Finding finding, FieldVariants fields, DateTimeOffset scanTime)
    {
        var e = finding.Entry;
        var vulnerability = new JsonObject
        {
            ["id"] = e.Cve,
            ["status"] = e.Status,
            ["cvss"] = e.Cvss,
            ["vector"] = e.Vector ?? string.Empty,
            ["description"] = e.Description ?? string.Empty,
            ["severity"] = e.Severity,
            ["packageName"] = finding.Package.Name,
            ["packageVersion"] = finding.Package.Version,
            ["packagePath"] = finding.Package.Path,
            ["link"] = e.Link ?? string.Empty,
            ["riskFactors"] = fields.SwapRiskFactorsShape
                ? new JsonObject(e.RiskFactors.Select(r => KeyValuePair.Create(r, (JsonNode?)new JsonObject())))
                : new JsonArray(e.RiskFactors.Select(r => (JsonNode)r).ToArray()),
            ["impactedVersions"] = new JsonArray(e.Affected.ToString()),
            ["publishedDate"] = e.Published is { } published ? Iso(DateTimeOffset.FromUnixTimeSeconds(published)) : null,
            ["discoveredDate"] = Iso(scanTime),
            ["layerTime"] = null,
        };
        if (e.FixDate is { } fixDate)
            vulnerability[fields.SwapFixDateName ? "fixDate" : "fixedDate"] = Iso(DateTimeOffset.FromUnixTimeSeconds(fixDate));
        return vulnerability;
    }

    public static JsonObject Distribution(IReadOnlyList<Finding> findings, FieldVariants fields)
    {
        int Count(string bucket) => findings.Count(f => Bucket(f.Entry.Severity) == bucket);
        return new JsonObject
        {
            ["critical"] = Number(Count("critical"), fields),
            ["high"] = Number(Count("high"), fields),
            ["medium"] = Number(Count("medium"), fields),
            ["low"] = Number(Count("low"), fields),
            ["total"] = Number(findings.Count, fields),
        };
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    static JsonNode Number(long value, FieldVariants fields) =>
        fields.NumbersAsStrings ? JsonValue.Create(value.ToString(System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(value);

    static JsonArray? Array(IEnumerable<JsonNode> items, FieldVariants fields)
    {
        var array = new JsonArray(items.ToArray());
        return array.Count == 0 && fields.NullArrays ? null : array;
    }

    /// <summary>The API's integer id is the Console's rule id; derive a stable one per CVE.</summary>
    static int StableRuleId(string cve)
    {
        var hash = 17;
        foreach (var c in cve)
            hash = unchecked(hash * 31 + c);
        return 1 + (int)((uint)hash % 99_000);
    }
}
