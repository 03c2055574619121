using System.Text.Json;

namespace KanikoBuild.Registry;

/// <summary>
/// A manifest exactly as the registry stored it: its bytes are never re-serialised, since any change (even
/// whitespace) changes the digest. The parsed view only serves to find the content it references.
/// </summary>
public sealed class RegistryManifest
{
    RegistryManifest(ReadOnlyMemory<byte> bytes, string mediaType, string digest, Descriptor? config, IReadOnlyList<Descriptor> layers, IReadOnlyList<Descriptor> manifests)
    {
        Bytes = bytes;
        MediaType = mediaType;
        Digest = digest;
        Config = config;
        Layers = layers;
        Manifests = manifests;
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The Content-Type the registry served (and the push must send).</summary>
    public string MediaType { get; }

    /// <summary>sha256 of <see cref="Bytes"/>.</summary>
    public string Digest { get; }

    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>The image config (image manifests only). Its digest is the image ID tools such as Prisma Cloud show.</summary>
    public Descriptor? Config { get; }

    public IReadOnlyList<Descriptor> Layers { get; }

    /// <summary>The platform manifests (indexes only).</summary>
    public IReadOnlyList<Descriptor> Manifests { get; }

    /// <summary>Config and layers: every blob an image manifest references.</summary>
    public IEnumerable<Descriptor> Blobs => Config is null ? Layers : Layers.Prepend(Config);

    /// <summary>Parses <paramref name="bytes"/>; <paramref name="contentType"/> wins over the body's mediaType when both exist and are manifest types.</summary>
    public static RegistryManifest Parse(ReadOnlyMemory<byte> bytes, string? contentType)
    {
        var digest = KanikoBuild.Registry.Digest.Sha256(bytes.Span);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"The manifest {digest} is not valid JSON ({e.Message}); the registry returned something else than a manifest.", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new PipelineException($"The manifest {digest} is not a JSON object.");
            var bodyType = root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
            var mediaType = NormaliseContentType(contentType) is { } served && MediaTypes.Manifests.Contains(served)
                ? served
                : bodyType ?? (root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest);
            if (!MediaTypes.Manifests.Contains(mediaType))
                throw new PipelineException($"The manifest {digest} has the media type '{mediaType}', which is not supported (supported: {string.Join(", ", MediaTypes.Manifests)}).");
            if (bodyType is not null && bodyType != mediaType)
                throw new PipelineException($"The manifest {digest} says its mediaType is '{bodyType}' but was served as '{mediaType}'.");

            Descriptor? config = null;
            var layers = new List<Descriptor>();
            var manifests = new List<Descriptor>();
            if (MediaTypes.IsIndex(mediaType))
            {
                foreach (var entry in Array(root, "manifests", digest))
                    manifests.Add(ReadDescriptor(entry, digest) with { Platform = ReadPlatform(entry) });
            }
            else
            {
                if (!root.TryGetProperty("config", out var configElement))
                    throw new PipelineException($"The image manifest {digest} has no config descriptor.");
                config = ReadDescriptor(configElement, digest);
                foreach (var entry in Array(root, "layers", digest))
                    layers.Add(ReadDescriptor(entry, digest));
            }
            return new RegistryManifest(bytes, mediaType, digest, config, layers, manifests);
        }
    }

    internal static string? NormaliseContentType(string? contentType) =>
        contentType?.Split(';')[0].Trim().ToLowerInvariant() is { Length: > 0 } value ? value : null;

    static IEnumerable<JsonElement> Array(JsonElement root, string name, string digest)
    {
        if (!root.TryGetProperty(name, out var array))
            return [];
        if (array.ValueKind != JsonValueKind.Array)
            throw new PipelineException($"The manifest {digest} has a '{name}' that is not an array.");
        return array.EnumerateArray().ToList();
    }

    static Descriptor ReadDescriptor(JsonElement element, string manifestDigest)
    {
        string? Text(string name) => element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var digest = Text("digest");
        if (!KanikoBuild.Registry.Digest.IsValid(digest))
            throw new PipelineException($"The manifest {manifestDigest} references content with an invalid digest '{digest}'.");
        if (!element.TryGetProperty("size", out var size) || !size.TryGetInt64(out var length) || length < 0)
            throw new PipelineException($"The manifest {manifestDigest} references {digest} without a valid size.");
        var urls = element.TryGetProperty("urls", out var u) && u.ValueKind == JsonValueKind.Array
            ? u.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList()
            : [];
        return new Descriptor(Text("mediaType") ?? string.Empty, digest!, length) { Urls = urls };
    }

    static Platform? ReadPlatform(JsonElement entry)
    {
        if (!entry.TryGetProperty("platform", out var p) || p.ValueKind != JsonValueKind.Object)
            return null;
        string? Text(string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return Text("os") is { } os && Text("architecture") is { } arch ? new Platform(os, arch, Text("variant")) : null;
    }
}
