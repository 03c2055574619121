namespace KanikoBuild.Signing;

/// <summary>The names cosign's tag-based storage uses (signing.md §4; cosign <c>pkg/oci/static</c>, <c>pkg/types</c>).</summary>
public static class CosignFormat
{
    /// <summary>Layer media type of a signature: the layer is the simple-signing payload.</summary>
    public const string SimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";

    /// <summary>Layer media type of an attestation: the layer is a DSSE envelope.</summary>
    public const string DsseEnvelopeMediaType = "application/vnd.dsse.envelope.v1+json";

    /// <summary>Layer annotation holding the base64 DER signature (empty on attestations, whose signature is in the envelope).</summary>
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>Layer annotation naming an attestation's predicate type.</summary>
    public const string PredicateTypeAnnotation = "predicateType";

    /// <summary>containers/image reads at most this much of a signature payload.</summary>
    public const int MaxPayloadBytes = 4 * 1024 * 1024;

    /// <summary>An attestation carries a whole scan result; large images have large ones.</summary>
    public const int MaxEnvelopeBytes = 64 * 1024 * 1024;

    public const int MaxConfigBytes = 1024 * 1024;
}

/// <summary>The two kinds of attachments cosign stores under tags next to an image.</summary>
public enum AttachmentKind
{
    /// <summary><c>sha256-&lt;hex&gt;.sig</c>: simple-signing payloads, each signed in its layer's annotation.</summary>
    Signature,

    /// <summary><c>sha256-&lt;hex&gt;.att</c>: DSSE envelopes of in-toto statements.</summary>
    Attestation,
}

public static class AttachmentTags
{
    /// <summary>The tag of <paramref name="digest"/>'s attachments: the first ':' made '-', and the kind's suffix.</summary>
    public static string For(string digest, AttachmentKind kind)
    {
        var parsed = KanikoBuild.Registry.Digest.Parse(digest, "image digest").Value;
        var colon = parsed.IndexOf(':', StringComparison.Ordinal);
        return parsed[..colon] + "-" + parsed[(colon + 1)..] + (kind == AttachmentKind.Signature ? ".sig" : ".att");
    }
}
