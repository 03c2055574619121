namespace KanikoBuild.Signing;

/// <summary>One attachment to store: a blob and the layer descriptor's media type and annotations.</summary>
public sealed record AttachmentLayer
{
    public AttachmentLayer(string mediaType, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> annotations)
    {
        MediaType = mediaType;
        Content = content;
        // Go marshals map keys sorted; so does the manifest here.
        Annotations = new SortedDictionary<string, string>(annotations.ToDictionary(), StringComparer.Ordinal);
        Digest = KanikoBuild.Registry.Digest.Sha256(content.Span);
    }

    public string MediaType { get; }
    public ReadOnlyMemory<byte> Content { get; }
    public IReadOnlyDictionary<string, string> Annotations { get; }
    public string Digest { get; }
    public long Size => Content.Length;

    /// <summary>A signature layer: the payload, its base64 DER signature in <see cref="CosignFormat.SignatureAnnotation"/>.</summary>
    public static AttachmentLayer Signature(ReadOnlyMemory<byte> payload, string base64Signature) =>
        new(CosignFormat.SimpleSigningMediaType, payload, new Dictionary<string, string> { [CosignFormat.SignatureAnnotation] = base64Signature });

    /// <summary>An attestation layer as cosign writes it: the envelope, the predicate type, and an empty signature annotation.</summary>
    public static AttachmentLayer Attestation(ReadOnlyMemory<byte> envelope, string predicateType) =>
        new(CosignFormat.DsseEnvelopeMediaType, envelope, new Dictionary<string, string>
        {
            [CosignFormat.SignatureAnnotation] = string.Empty,
            [CosignFormat.PredicateTypeAnnotation] = predicateType,
        });
}
