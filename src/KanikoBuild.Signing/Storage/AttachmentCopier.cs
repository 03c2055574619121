using KanikoBuild.Registry;

namespace KanikoBuild.Signing;

/// <summary>What copying one attachment tag did.</summary>
/// <param name="Outcome">Absent in the source, copied verbatim, or merged into the destination's own.</param>
/// <param name="LayersAdded">Source layers the destination did not have.</param>
public sealed record AttachmentCopy(string Digest, AttachmentKind Kind, AttachmentCopyOutcome Outcome, int LayersAdded);

public enum AttachmentCopyOutcome
{
    NotInSource,
    Copied,
    Merged,
}

/// <summary>
/// Copies a digest's <c>.sig</c> and <c>.att</c> from one repository to another (dev to production, before
/// production signs): blobs first, then the manifest. Where the destination has no such tag the manifest's bytes
/// are copied unchanged; where it has one, the source's layers it lacks are appended, so neither side's signatures
/// are lost. For an image index the platform manifests' attachments come along.
/// </summary>
/// <remarks>
/// The copied signatures name the source repository, so under a <c>matchRepository</c> policy they do not verify
/// for the destination: they record where the image was before; production's own signature is what admits it.
/// </remarks>
public static class AttachmentCopier
{
    public static async Task<IReadOnlyList<AttachmentCopy>> CopyAsync(IAttachmentRepository source, IAttachmentRepository destination, string imageDigest, CancellationToken ct = default)
    {
        var digest = Digest.Parse(imageDigest, "image digest");
        var digests = new List<string> { digest };
        if (await source.FindManifestAsync(digest, ct).ConfigureAwait(false) is { IsIndex: true } index)
            digests.InsertRange(0, index.Manifests.Select(m => m.Digest).Distinct(StringComparer.Ordinal));
        var copies = new List<AttachmentCopy>();
        foreach (var target in digests)
        {
            foreach (var kind in new[] { AttachmentKind.Signature, AttachmentKind.Attestation })
                copies.Add(await CopyOneAsync(source, destination, target, kind, ct).ConfigureAwait(false));
        }
        return copies;
    }

    static async Task<AttachmentCopy> CopyOneAsync(IAttachmentRepository source, IAttachmentRepository destination, string digest, AttachmentKind kind, CancellationToken ct)
    {
        var tag = AttachmentTags.For(digest, kind);
        var manifest = await source.FindManifestAsync(tag, ct).ConfigureAwait(false);
        if (manifest is null)
            return new AttachmentCopy(digest, kind, AttachmentCopyOutcome.NotInSource, 0);
        if (manifest.IsIndex)
            throw new PipelineException($"{source.Name}:{tag} is an image index, not cosign's attachment image; nothing was copied.");
        var limit = kind == AttachmentKind.Signature ? CosignFormat.MaxPayloadBytes : CosignFormat.MaxEnvelopeBytes;
        var existing = await destination.FindManifestAsync(tag, ct).ConfigureAwait(false);
        if (existing is null)
        {
            foreach (var blob in manifest.Blobs)
            {
                var bytes = await source.ReadBlobAsync(blob.Digest, Math.Max(limit, CosignFormat.MaxConfigBytes), ct).ConfigureAwait(false);
                await destination.PushBlobAsync(bytes, ct).ConfigureAwait(false);
            }
            await destination.PutManifestAsync(tag, manifest.Bytes, manifest.MediaType, ct).ConfigureAwait(false);
            return new AttachmentCopy(digest, kind, AttachmentCopyOutcome.Copied, manifest.Layers.Count);
        }
        var added = 0;
        foreach (var layer in AttachmentLayers.Read(manifest))
        {
            var content = await source.ReadBlobAsync(layer.Layer.Digest, limit, ct).ConfigureAwait(false);
            var write = await AttachmentWriter.AppendAsync(destination, digest, kind, new AttachmentLayer(layer.Layer.MediaType, content, layer.Annotations), ct).ConfigureAwait(false);
            added += write.Added ? 1 : 0;
        }
        return new AttachmentCopy(digest, kind, AttachmentCopyOutcome.Merged, added);
    }
}
