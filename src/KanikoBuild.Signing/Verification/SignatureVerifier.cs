using KanikoBuild.Registry;

namespace KanikoBuild.Signing;

public sealed record SignatureVerifierOptions
{
    /// <summary>
    /// Accept only signatures whose payload carries a passing KanikoBuild verdict (the default: what VerifyImage
    /// checks). Off, any signature by the key over this digest and repository is accepted, as skopeo accepts it.
    /// </summary>
    public bool RequirePassingVerdict { get; init; } = true;

    /// <summary>The identity to accept, when consumers pull by another name than the repository's (default: <see cref="IAttachmentRepository.Name"/>).</summary>
    public string? ExpectedIdentity { get; init; }
}

/// <summary>
/// Checks a digest's cosign signatures the way containers/image does (signing.md §2–§4) with one public key: for
/// each simple-signing layer of <c>sha256-&lt;hex&gt;.sig</c>, the payload blob (checked against its digest), the
/// ECDSA signature over those exact bytes, the strict payload rules, the signed digest, and the identity
/// (<c>matchRepository</c>). A layer signed by another key, over another digest, or for another repository is
/// refused with the reason a verifier gives.
/// </summary>
public sealed class SignatureVerifier(VerificationKey key, SignatureVerifierOptions? options = null)
{
    readonly SignatureVerifierOptions _options = options ?? new SignatureVerifierOptions();

    public async Task<SignatureVerification> VerifyAsync(IAttachmentRepository repository, string imageDigest, CancellationToken ct = default)
    {
        var digest = Digest.Parse(imageDigest, "image digest");
        var identity = _options.ExpectedIdentity ?? repository.Name;
        var tag = AttachmentTags.For(digest, AttachmentKind.Signature);
        var manifest = await repository.FindManifestAsync(tag, ct).ConfigureAwait(false);
        if (manifest is null)
            return new SignatureVerification(identity, digest, [], []);
        if (manifest.MediaType != MediaTypes.OciManifest)
            return new SignatureVerification(identity, digest, [], [])
            {
                TagProblem = $"unexpected MIME type for sigstore attachment manifest {repository.Name}:{tag}: \"{manifest.MediaType}\"",
            };
        var accepted = new List<VerifiedSignature>();
        var refused = new List<RefusedSignature>();
        var others = 0;
        foreach (var layer in AttachmentLayers.Read(manifest))
        {
            if (layer.Layer.MediaType != CosignFormat.SimpleSigningMediaType)
            {
                others++;
                continue;
            }
            var outcome = await VerifyLayerAsync(repository, layer, digest, identity, ct).ConfigureAwait(false);
            if (outcome.Verified is { } verified)
                accepted.Add(verified);
            else
                refused.Add(new RefusedSignature(layer.Index, outcome.Reason!));
        }
        return new SignatureVerification(identity, digest, accepted, refused) { NonSignatureAttachments = others };
    }

    async Task<(VerifiedSignature? Verified, string? Reason)> VerifyLayerAsync(IAttachmentRepository repository, AttachmentDescriptor layer, string digest, string identity, CancellationToken ct)
    {
        if (layer.Annotation(CosignFormat.SignatureAnnotation) is not { } base64)
            return (null, $"missing {CosignFormat.SignatureAnnotation} annotation");
        if (layer.Layer.Size > CosignFormat.MaxPayloadBytes)
            return (null, $"the signature payload {layer.Layer.Digest} is {layer.Layer.Size} bytes, more than the {CosignFormat.MaxPayloadBytes} verifiers read");
        byte[] payload;
        try
        {
            payload = await repository.ReadBlobAsync(layer.Layer.Digest, CosignFormat.MaxPayloadBytes, ct).ConfigureAwait(false);
        }
        catch (BlobDigestMismatchException e)
        {
            return (null, e.Message);
        }
        catch (RegistryException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return (null, $"the signature payload {layer.Layer.Digest} is missing from {repository.Name}");
        }
        if (payload.Length != layer.Layer.Size)
            return (null, $"the signature payload {layer.Layer.Digest} has {payload.Length} bytes, but its descriptor says {layer.Layer.Size}");
        return Check(payload, base64, key, digest, identity, _options.RequirePassingVerdict) switch
        {
            { Payload: { } signed } => (new VerifiedSignature(layer.Index, layer.Layer.Digest, signed), null),
            var refusal => (null, refusal.Reason),
        };
    }

    /// <summary>
    /// The checks on one payload and its signature annotation, in the order containers/image makes them. Usable on
    /// bytes from anywhere (a known-answer vector, a file); <see cref="VerifyAsync"/> feeds it the registry's.
    /// </summary>
    public static (SignedPayload? Payload, string? Reason) Check(ReadOnlySpan<byte> payload, string base64Signature, VerificationKey key,
        string expectedDigest, string expectedIdentity, bool requirePassingVerdict)
    {
        // Standard base64 with padding, as Go's StdEncoding demands (whitespace aside).
        var signature = new byte[base64Signature.Length];
        if (!Convert.TryFromBase64String(base64Signature, signature, out var length) || base64Signature.Trim().Length % 4 != 0
            || base64Signature.Contains('-', StringComparison.Ordinal) || base64Signature.Contains('_', StringComparison.Ordinal))
            return (null, "base64 decoding: the signature annotation is not standard padded base64");
        if (!key.Verify(payload, signature.AsSpan(0, length)))
            return (null, "cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature");
        SignedPayload signed;
        try
        {
            signed = SimpleSigningPayload.Parse(payload.ToArray());
        }
        catch (StrictJsonException e)
        {
            return (null, e.Message);
        }
        if (signed.ManifestDigest != expectedDigest)
            return (null, $"Signature for digest {signed.ManifestDigest} does not match");
        if (!RepositoryIdentity.Matches(signed.DockerReference, expectedIdentity))
            return (null, $"Signature for identity {signed.DockerReference} is not accepted");
        if (requirePassingVerdict)
        {
            if (signed.Verdict is null)
                return (null, "Signature carries no KanikoBuild verdict");
            if (!signed.Verdict.Passed)
                return (null, "Signature carries a verdict that did not pass");
        }
        return (signed, null);
    }
}
