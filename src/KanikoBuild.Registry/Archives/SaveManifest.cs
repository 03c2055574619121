using System.Text.Json;

namespace KanikoBuild.Registry;

/// <summary>A foreign layer's descriptor from manifest.json's <c>LayerSources</c> (keyed by diff id).</summary>
internal sealed record LayerSource(string? MediaType, long? Size, string? Digest, IReadOnlyList<string> Urls);

/// <summary>
/// One image of a docker-save <c>manifest.json</c>: <c>Config</c> (the config's file name), <c>RepoTags</c> and
/// <c>Layers</c> (the layer files, in order), and the rarely used <c>LayerSources</c>.
/// </summary>
internal sealed record SaveManifest(string Config, IReadOnlyList<string> RepoTags, IReadOnlyList<string> Layers, IReadOnlyDictionary<string, LayerSource> LayerSources)
{
    public static SaveManifest ParseSingle(ReadOnlySpan<byte> json, string path)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"The manifest.json of '{path}' is not valid JSON ({e.Message}); the tarball is damaged.", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new PipelineException($"The manifest.json of '{path}' is not a JSON array of images, as docker save writes it.");
            var images = document.RootElement.EnumerateArray().Select(e => Read(e, path)).ToList();
            return images.Count switch
            {
                1 => images[0],
                0 => throw new PipelineException($"The manifest.json of '{path}' lists no image; the tarball holds nothing to scan or push."),
                _ => throw new PipelineException(
                    $"'{path}' holds {images.Count} images ({string.Join("; ", images.Select(Describe))}); scanning and pushing take a tarball of exactly one image, as kaniko --tar-path writes it. Save one image per tarball."),
            };
        }
    }

    static string Describe(SaveManifest image) =>
        image.RepoTags.Count > 0 ? string.Join(", ", image.RepoTags) : $"untagged, config {image.Config}";

    static SaveManifest Read(JsonElement image, string path)
    {
        if (image.ValueKind != JsonValueKind.Object)
            throw new PipelineException($"The manifest.json of '{path}' has an entry that is not an object.");
        var config = image.TryGetProperty("Config", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        if (string.IsNullOrWhiteSpace(config))
            throw new PipelineException($"The manifest.json of '{path}' has an image without a Config file name.");
        var layers = Strings(image, "Layers", path);
        var tags = Strings(image, "RepoTags", path);
        var sources = new Dictionary<string, LayerSource>(StringComparer.Ordinal);
        if (image.TryGetProperty("LayerSources", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            foreach (var source in s.EnumerateObject())
            {
                var value = source.Value;
                string? Text(string name) => value.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                long? size = value.TryGetProperty("size", out var z) && z.TryGetInt64(out var n) ? n : null;
                var urls = value.TryGetProperty("urls", out var u) && u.ValueKind == JsonValueKind.Array
                    ? u.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList()
                    : [];
                sources[source.Name] = new LayerSource(Text("mediaType"), size, Text("digest"), urls);
            }
        }
        return new SaveManifest(config!, tags, layers, sources);
    }

    static List<string> Strings(JsonElement image, string name, string path)
    {
        if (!image.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
            return [];
        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            throw new PipelineException($"The manifest.json of '{path}' has a '{name}' that is not a list of strings.");
        return array.EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}
