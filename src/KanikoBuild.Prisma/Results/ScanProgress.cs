using System.Text.Json;

namespace KanikoBuild.Prisma.Results;

/// <summary>One entry of <c>GET /registry/progress</c>; the Console answers <c>[]</c> when nothing runs.</summary>
public sealed record ScanProgress(bool IsScanOngoing, long Scanned, long Total, string? Error, string? Title)
{
    public static ScanProgress Parse(JsonElement element)
    {
        var scan = JsonLenient.Property(element, "imageScan") ?? element;
        return new ScanProgress(
            JsonLenient.Boolean(element, "isScanOngoing") ?? false,
            JsonLenient.Integer(scan, "scanned") ?? 0,
            JsonLenient.Integer(scan, "total") ?? 0,
            JsonLenient.String(scan, "error") is { Length: > 0 } error ? error : null,
            JsonLenient.String(scan, "title"));
    }
}
