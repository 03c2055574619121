using System.Net;
using KanikoBuild.Registry;

namespace KanikoBuild.Signing;

/// <summary>What storing one attachment did.</summary>
/// <param name="Added">False when an identical layer was there already (nothing was written).</param>
/// <param name="LayerCount">Layers at the tag afterwards.</param>
public sealed record AttachmentWrite(string Tag, string ManifestDigest, bool Added, int LayerCount);

/// <summary>
/// Stores attachments the way cosign does (signing.md §4): the layer blob and the config blob first, then the OCI
/// manifest at <c>sha256-&lt;hex&gt;.sig</c> or <c>.att</c> in the image's own repository. An existing manifest at the
/// tag gets the layer appended, so earlier signatures (other keys, other runs) stay.
/// </summary>
/// <remarks>
/// Like cosign, this is a read-modify-write of one tag: two signers appending at the same instant can lose one
/// layer (the later PUT wins). Signing runs once per shipped digest, so that race is not guarded against.
/// </remarks>
public static class AttachmentWriter
{
    public static async Task<AttachmentWrite> AppendAsync(IAttachmentRepository repository, string imageDigest, AttachmentKind kind, AttachmentLayer layer, CancellationToken ct = default)
    {
        var tag = AttachmentTags.For(imageDigest, kind);
        var existing = await repository.FindManifestAsync(tag, ct).ConfigureAwait(false);
        AttachmentImage.Built built;
        if (existing is null)
        {
            built = AttachmentImage.Create(layer);
        }
        else
        {
            var config = await ReadConfigAsync(repository, existing, ct).ConfigureAwait(false);
            var appended = AttachmentImage.Append(existing, config, layer);
            if (appended is null)
                return new AttachmentWrite(tag, existing.Digest, Added: false, existing.Layers.Count);
            built = appended;
        }
        // Blobs before the manifest: a registry refuses a manifest whose blobs it lacks (MANIFEST_BLOB_UNKNOWN).
        await repository.PushBlobAsync(layer.Content, ct).ConfigureAwait(false);
        await repository.PushBlobAsync(built.Config, ct).ConfigureAwait(false);
        var digest = await repository.PutManifestAsync(tag, built.Manifest, MediaTypes.OciManifest, ct).ConfigureAwait(false);
        return new AttachmentWrite(tag, digest, Added: true, built.LayerCount);
    }

    internal static async Task<byte[]?> ReadConfigAsync(IAttachmentRepository repository, RegistryManifest manifest, CancellationToken ct)
    {
        if (manifest.Config is not { } config || config.Size > CosignFormat.MaxConfigBytes)
            return null;
        try
        {
            return await repository.ReadBlobAsync(config.Digest, CosignFormat.MaxConfigBytes, ct).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
