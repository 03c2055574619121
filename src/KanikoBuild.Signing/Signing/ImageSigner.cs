using KanikoBuild.Registry;

namespace KanikoBuild.Signing;

/// <summary>
/// Signs shipped digests in cosign's format: a simple-signing payload naming the repository and the digest, with
/// the verdict in its <c>optional</c> section, signed with the key and stored at <c>sha256-&lt;hex&gt;.sig</c>; and the
/// full scan result as a signed in-toto attestation at <c>sha256-&lt;hex&gt;.att</c>.
/// </summary>
public sealed class ImageSigner
{
    readonly SigningKey _key;
    readonly SignerOptions _options;
    readonly Serilog.ILogger _logger;

    public ImageSigner(SigningKey key, SignerOptions? options = null)
    {
        _key = key;
        _options = options ?? new SignerOptions();
        _logger = (_options.Logger ?? Serilog.Log.Logger).ForContext<ImageSigner>();
    }

    /// <summary>
    /// Signs <paramref name="imageDigest"/> in <paramref name="repository"/> with <paramref name="verdict"/>. For an
    /// image index, every platform manifest it lists is signed too, since verifiers such as skopeo check the
    /// platform manifest they pull and never the index (signing.md §1).
    /// </summary>
    public async Task<IReadOnlyList<SignedDigest>> SignAsync(IAttachmentRepository repository, string imageDigest, VerdictClaims verdict, CancellationToken ct = default)
    {
        var digest = Digest.Parse(imageDigest, "image digest");
        // The signature says "this verdict passed"; a failing one is never signed, so a valid signature means a pass.
        if (!verdict.Passed)
            throw new PipelineException($"Refusing to sign {repository.Name}@{digest}: its verdict did not pass. Only digests that passed the gate are signed.");
        var digests = await DigestsToSignAsync(repository, digest, ct).ConfigureAwait(false);
        var annotations = VerdictAnnotations.From(verdict).ToList();
        var signed = new List<SignedDigest>();
        foreach (var target in digests)
        {
            // Serialised once: these bytes are signed and these bytes are uploaded.
            var payload = SimpleSigningPayload.Create(repository.Name, target, annotations, _options.Creator, _options.TimeProvider.GetUtcNow());
            var layer = AttachmentLayer.Signature(payload, _key.SignToBase64(payload));
            var write = await AttachmentWriter.AppendAsync(repository, target, AttachmentKind.Signature, layer, ct).ConfigureAwait(false);
            _logger.Information("Signed {Repository}@{Digest} (verdict passed, policy {Policy}); {Tag} holds {Count} signature(s)",
                repository.Name, Digest.Short(target), Digest.Short(verdict.PolicyDigest), write.Tag, write.LayerCount);
            signed.Add(new SignedDigest(target, write));
        }
        return signed;
    }

    /// <summary>
    /// Attaches <paramref name="scanResultJson"/> (the pipeline's <c>scan-result.json</c>) to <paramref name="imageDigest"/>
    /// as a DSSE-signed in-toto statement with cosign's vuln predicate, as <c>cosign attest --type vuln</c> does.
    /// </summary>
    public async Task<AttachmentWrite> AttestAsync(IAttachmentRepository repository, string imageDigest, ReadOnlyMemory<byte> scanResultJson, VulnScanDetails details, CancellationToken ct = default)
    {
        var digest = Digest.Parse(imageDigest, "image digest");
        _ = await RequireManifestAsync(repository, digest, ct).ConfigureAwait(false);
        var statement = VulnAttestation.CreateStatement(repository.Name, digest, scanResultJson, details);
        var envelope = DsseEnvelope.Sign(_key, DsseEnvelope.InTotoPayloadType, statement);
        var write = await AttachmentWriter.AppendAsync(repository, digest, AttachmentKind.Attestation, AttachmentLayer.Attestation(envelope, VulnAttestation.PredicateType), ct).ConfigureAwait(false);
        _logger.Information("Attested the scan result of {Repository}@{Digest}; {Tag} holds {Count} attestation(s)", repository.Name, Digest.Short(digest), write.Tag, write.LayerCount);
        return write;
    }

    static async Task<IReadOnlyList<string>> DigestsToSignAsync(IAttachmentRepository repository, string digest, CancellationToken ct)
    {
        var manifest = await RequireManifestAsync(repository, digest, ct).ConfigureAwait(false);
        if (!manifest.IsIndex)
            return [digest];
        var children = manifest.Manifests.Where(m => MediaTypes.IsImageManifest(m.MediaType) || m.MediaType.Length == 0).Select(m => m.Digest).Distinct(StringComparer.Ordinal).ToList();
        foreach (var child in children)
            _ = await RequireManifestAsync(repository, child, ct).ConfigureAwait(false);
        return [.. children, digest];
    }

    static async Task<RegistryManifest> RequireManifestAsync(IAttachmentRepository repository, string digest, CancellationToken ct) =>
        await repository.FindManifestAsync(digest, ct).ConfigureAwait(false)
        ?? throw new PipelineException($"The image {repository.Name}@{digest} does not exist, so it cannot be signed; sign a digest after it was pushed there. Nothing was signed.");
}
