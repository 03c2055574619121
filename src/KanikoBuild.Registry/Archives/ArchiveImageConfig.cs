using System.Globalization;
using System.Text.Json;

namespace KanikoBuild.Registry;

/// <summary>What the pusher and the layer view need from an image config: <c>rootfs.diff_ids</c> and <c>history</c>.</summary>
internal sealed record ArchiveImageConfig(IReadOnlyList<string> DiffIds, IReadOnlyList<ImageHistoryEntry> History)
{
    public static ArchiveImageConfig Parse(ReadOnlySpan<byte> json, string what)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"{what} is not valid JSON ({e.Message}); it is not an image config.", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new PipelineException($"{what} is not a JSON object; it is not an image config.");
            if (!root.TryGetProperty("rootfs", out var rootfs) || rootfs.ValueKind != JsonValueKind.Object
                || !rootfs.TryGetProperty("diff_ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
                throw new PipelineException($"{what} has no rootfs.diff_ids; it is not an image config.");
            var diffIds = new List<string>();
            foreach (var id in ids.EnumerateArray())
            {
                var text = id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                if (!Digest.IsValid(text))
                    throw new PipelineException($"{what} lists the layer diff id '{id}', which is not a digest.");
                diffIds.Add(text!);
            }
            var history = new List<ImageHistoryEntry>();
            if (root.TryGetProperty("history", out var entries) && entries.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in entries.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
                {
                    string? Text(string name) => entry.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                    var created = Text("created") is { } c && DateTimeOffset.TryParse(c, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : (DateTimeOffset?)null;
                    var empty = entry.TryGetProperty("empty_layer", out var e) && e.ValueKind == JsonValueKind.True;
                    history.Add(new ImageHistoryEntry(created, Text("created_by"), empty, Text("comment")));
                }
            }
            return new ArchiveImageConfig(diffIds, history);
        }
    }
}
