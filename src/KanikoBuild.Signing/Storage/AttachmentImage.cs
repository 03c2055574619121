using System.Text.Json;
using System.Text.Json.Nodes;
using KanikoBuild.Registry;

namespace KanikoBuild.Signing;

/// <summary>
/// The OCI image cosign keeps attachments in: a manifest whose layers are the attachments, and a config that
/// lists them (one <c>diff_ids</c> and one <c>history</c> entry per layer), as go-containerregistry's
/// <c>mutate.AppendLayers</c> on an empty image makes it. Nothing reads the config, but the registry needs the
/// blob and cosign keeps it in step, so this does too.
/// </summary>
internal static class AttachmentImage
{
    // go-containerregistry's zero time, which cosign's attachment images carry everywhere.
    const string ZeroTime = "0001-01-01T00:00:00Z";

    public sealed record Built(byte[] Manifest, byte[] Config, int LayerCount);

    /// <summary>The image holding only <paramref name="layer"/>.</summary>
    public static Built Create(AttachmentLayer layer)
    {
        var config = FreshConfig([layer.Digest]);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = ConfigDescriptor(config),
            ["layers"] = new JsonArray(LayerDescriptor(layer)),
        };
        return new Built(Serialize(manifest), config, 1);
    }

    /// <summary>
    /// <paramref name="existing"/> with <paramref name="layer"/> appended, or null when an identical layer (same
    /// media type, digest and annotations) is there already. A Docker-typed manifest becomes OCI, which is the only
    /// type verifiers accept at the tag; its layers are kept.
    /// </summary>
    public static Built? Append(RegistryManifest existing, byte[]? existingConfig, AttachmentLayer layer)
    {
        if (existing.IsIndex)
            throw new PipelineException($"The attachment tag holds an image index ({existing.Digest}), not cosign's attachment image; nothing was written. Delete the tag or check what put it there.");
        var manifest = JsonNode.Parse(existing.Bytes.Span) as JsonObject
            ?? throw new PipelineException($"The attachment manifest {existing.Digest} is not a JSON object; nothing was written.");
        var layers = manifest["layers"] as JsonArray ?? [];
        if (layers.OfType<JsonObject>().Any(l => IsSame(l, layer)))
            return null;
        layers.Add(LayerDescriptor(layer));
        manifest["layers"] = layers;
        manifest["mediaType"] = MediaTypes.OciManifest;

        var digests = layers.OfType<JsonObject>().Select(l => (string?)l["digest"]).OfType<string>().ToList();
        var config = AppendToConfig(existingConfig, layer.Digest, digests.Count) ?? FreshConfig(digests);
        manifest["config"] = ConfigDescriptor(config);
        return new Built(Serialize(manifest), config, layers.Count);
    }

    static bool IsSame(JsonObject descriptor, AttachmentLayer layer)
    {
        if ((string?)descriptor["mediaType"] != layer.MediaType || (string?)descriptor["digest"] != layer.Digest)
            return false;
        var annotations = descriptor["annotations"] as JsonObject;
        var present = annotations?.ToDictionary(a => a.Key, a => a.Value?.GetValueKind() == JsonValueKind.String ? (string?)a.Value : null) ?? [];
        return present.Count == layer.Annotations.Count && layer.Annotations.All(a => present.TryGetValue(a.Key, out var v) && v == a.Value);
    }

    static JsonObject LayerDescriptor(AttachmentLayer layer)
    {
        var annotations = new JsonObject();
        foreach (var (key, value) in layer.Annotations)
            annotations[key] = value;
        return new JsonObject
        {
            ["mediaType"] = layer.MediaType,
            ["size"] = layer.Size,
            ["digest"] = layer.Digest,
            ["annotations"] = annotations,
        };
    }

    static JsonObject ConfigDescriptor(byte[] config) => new()
    {
        ["mediaType"] = MediaTypes.OciConfig,
        ["size"] = config.Length,
        ["digest"] = Digest.Sha256(config),
    };

    internal static byte[] FreshConfig(IReadOnlyList<string> layerDigests)
    {
        var history = new JsonArray();
        var diffIds = new JsonArray();
        foreach (var digest in layerDigests)
        {
            history.Add(new JsonObject { ["created"] = ZeroTime });
            diffIds.Add(digest);
        }
        return Serialize(new JsonObject
        {
            ["architecture"] = "",
            ["created"] = ZeroTime,
            ["history"] = history,
            ["os"] = "",
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = diffIds },
            ["config"] = new JsonObject(),
        });
    }

    // Keeps whatever else the existing config says; null when it is not one to extend (then a fresh one is made).
    static byte[]? AppendToConfig(byte[]? existing, string layerDigest, int layerCount)
    {
        if (existing is null)
            return null;
        JsonObject? config;
        try
        {
            config = JsonNode.Parse(existing) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (config?["rootfs"] is not JsonObject rootfs || rootfs["diff_ids"] is not JsonArray diffIds || config["history"] is not JsonArray history
            || diffIds.Count != layerCount - 1)
            return null;
        diffIds.Add(layerDigest);
        history.Add(new JsonObject { ["created"] = ZeroTime });
        return Serialize(config);
    }

    static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, JsonText.Serializer);
}
