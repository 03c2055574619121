using System.Text.Json;
using System.Text.Json.Serialization;

namespace KanikoBuild.Scanning;

/// <summary>
/// The normalised result and verdict as JSON (<c>scan-result.json</c>) for tools that should not parse two
/// Prisma shapes: camelCase, severities as lower-case names, dates ISO 8601, nulls left out.
/// </summary>
static class JsonReport
{
    public const int FormatVersion = 1;

    internal static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // A file for tools, not HTML: keep quotes and apostrophes readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Render(ScanResult result, Verdict verdict, ScannedImageSection? scannedImage = null)
    {
        var document = new
        {
            formatVersion = FormatVersion,
            generator = new { name = ToolInfo.Name, version = ToolInfo.Version },
            result,
            // Only alternative C's reports have it; null is left out, so A's and B's JSON stays as it was.
            scannedImage = scannedImage is null ? null : new
            {
                scannedImage.ImageId,
                layers = scannedImage.Layers,
                scannedImage.InstructionsNote,
                findingsWithoutLayer = result.Vulnerabilities.Count(v => v.Layer is null),
                scannedImage.FindingsLayerNote,
                shippedEqualsScanned = scannedImage.Shipped.Count == 0 ? (bool?)null : scannedImage.ShippedEqualsScanned,
                shipped = scannedImage.Shipped.Count == 0 ? null : scannedImage.Shipped.Select(s => new
                {
                    s.Destination,
                    s.ManifestDigest,
                    s.ConfigDigest,
                    s.ScannedImageId,
                    s.ShippedEqualsScanned,
                    s.LayerDigests,
                    s.ScannedLayerDigests,
                }),
            },
            verdict = new
            {
                verdict.Passed,
                verdict.Reasons,
                summary = PolicyEvaluator.OneLine(result, verdict),
                verdict.VulnerabilityCounts,
                verdict.ComplianceCounts,
                failingFindings = verdict.FailingFindings.Select(v => v.Key),
                failingCompliance = verdict.FailingCompliance,
                allowedFindings = verdict.AllowedFindings.Select(a => new { finding = a.Finding.Key, a.Entry.Id, a.Entry.Reason, a.Entry.Expires }),
                expiredAllowances = verdict.ExpiredAllowances.Select(e => new { finding = e.Finding.Key, e.Entry.Id, e.Entry.Reason, e.Entry.Expires }),
                withoutFix = verdict.WithoutFix.Select(v => v.Key),
                verdict.Notes,
                evaluatedOn = verdict.EvaluatedOn,
                policy = new
                {
                    source = verdict.Policy.SourcePath,
                    verdict.Policy.FailOn,
                    verdict.Policy.FailOnOverride,
                    verdict.Policy.Compliance,
                    verdict.Policy.OnlyFixed,
                    verdict.Policy.ConsoleVerdict,
                    verdict.Policy.Allow,
                },
            },
        };
        return JsonSerializer.Serialize(document, Options);
    }
}
