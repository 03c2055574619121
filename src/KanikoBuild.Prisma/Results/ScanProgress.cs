using System.Text.Json;
using System.Text.Json.Serialization;
using KanikoBuild.Scanning;

namespace KanikoBuild.Prisma.Results;

/// <summary>One entry of <c>GET /registry/progress</c>; the Console answers <c>[]</c> when nothing runs.</summary>
[JsonConverter(typeof(ScanProgressConverter))]
public sealed record ScanProgress(bool IsScanOngoing, long Scanned, long Total, string? Error, string? Title)
{
    public static ScanProgress Parse(JsonElement element)
    {
        var scan = element.Get("imageScan") ?? element;
        return new ScanProgress(
            element.Bool("isScanOngoing") ?? false,
            scan.Long("scanned") ?? 0,
            scan.Long("total") ?? 0,
            scan.String("error"),
            scan.String("title"));
    }
}

/// <summary>Lets Refit deserialise <c>List&lt;ScanProgress&gt;</c> through the lenient accessors (counts may come as strings).</summary>
internal sealed class ScanProgressConverter : JsonConverter<ScanProgress>
{
    public override ScanProgress? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            return null;
        // A flag or a counter block of another kind would read as "no scan running" or "0 of 0".
        ConsoleShape.ExpectFlag(document.RootElement, "a scan progress entry", "isScanOngoing");
        ConsoleShape.Expect(document.RootElement, "a scan progress entry", "imageScan", JsonValueKind.Object);
        return ScanProgress.Parse(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, ScanProgress value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, new { isScanOngoing = value.IsScanOngoing, imageScan = new { scanned = value.Scanned, total = value.Total, error = value.Error, title = value.Title } });
}
