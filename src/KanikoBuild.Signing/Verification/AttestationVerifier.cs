using System.Text.Json;
using KanikoBuild.Registry;

namespace KanikoBuild.Signing;

/// <summary>An attestation whose envelope verified: the in-toto statement's bytes and its predicate.</summary>
public sealed record VerifiedAttestation(int LayerIndex, byte[] Statement, JsonElement Predicate);

public sealed record AttestationVerification(string Digest, IReadOnlyList<VerifiedAttestation> Accepted, IReadOnlyList<RefusedSignature> Refused)
{
    public bool IsAccepted => Accepted.Count > 0;

    public string Message => IsAccepted
        ? $"Accepted: attestation {Accepted[0].LayerIndex + 1} by this key for digest {Digest}."
        : Refused.Count == 0
            ? $"no matching attestations for digest {Digest}"
            : "None of the attestations were accepted, reasons: " + string.Join("; ", Refused.Select(r => r.Reason));
}

/// <summary>
/// Checks a digest's attestations as <c>cosign verify-attestation --type … --key</c> does: each DSSE layer of
/// <c>sha256-&lt;hex&gt;.att</c> must be signed by the key over the PAE, carry an in-toto statement of the wanted
/// predicate type, and name the digest among its subjects.
/// </summary>
public sealed class AttestationVerifier(VerificationKey key)
{
    static readonly string[] s_statementTypes = [VulnAttestation.StatementType, "https://in-toto.io/Statement/v1"];

    public async Task<AttestationVerification> VerifyAsync(IAttachmentRepository repository, string imageDigest, string predicateType = VulnAttestation.PredicateType, CancellationToken ct = default)
    {
        var digest = Digest.Parse(imageDigest, "image digest");
        var manifest = await repository.FindManifestAsync(AttachmentTags.For(digest, AttachmentKind.Attestation), ct).ConfigureAwait(false);
        var accepted = new List<VerifiedAttestation>();
        var refused = new List<RefusedSignature>();
        if (manifest is null || manifest.IsIndex)
            return new AttestationVerification(digest, accepted, refused);
        foreach (var layer in AttachmentLayers.Read(manifest))
        {
            if (layer.Layer.MediaType != CosignFormat.DsseEnvelopeMediaType)
                continue;
            try
            {
                var envelope = DsseEnvelope.Parse(await repository.ReadBlobAsync(layer.Layer.Digest, CosignFormat.MaxEnvelopeBytes, ct).ConfigureAwait(false));
                if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
                    refused.Add(new(layer.Index, $"the envelope's payload type is {envelope.PayloadType}, not {DsseEnvelope.InTotoPayloadType}"));
                else if (!envelope.IsSignedBy(key))
                    refused.Add(new(layer.Index, "invalid signature when validating the DSSE envelope"));
                else if (CheckStatement(envelope.Payload, digest, predicateType) is { } reason)
                    refused.Add(new(layer.Index, reason));
                else
                {
                    using var statement = JsonDocument.Parse(envelope.Payload);
                    accepted.Add(new VerifiedAttestation(layer.Index, envelope.Payload, statement.RootElement.GetProperty("predicate").Clone()));
                }
            }
            catch (Exception e) when (e is StrictJsonException or BlobDigestMismatchException)
            {
                refused.Add(new(layer.Index, e.Message));
            }
        }
        return new AttestationVerification(digest, accepted, refused);
    }

    static string? CheckStatement(byte[] payload, string digest, string predicateType)
    {
        using var document = StrictJson.Parse(payload);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return "the statement is not a JSON object";
        if (!root.TryGetProperty("_type", out var type) || type.ValueKind != JsonValueKind.String || Array.IndexOf(s_statementTypes, type.GetString()) < 0)
            return "the statement is not an in-toto statement";
        if (!root.TryGetProperty("predicateType", out var predicate) || predicate.ValueKind != JsonValueKind.String || predicate.GetString() != predicateType)
            return $"the statement's predicate type is not {predicateType}";
        if (!root.TryGetProperty("predicate", out _))
            return "the statement has no predicate";
        var hex = digest[(digest.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var algorithm = digest[..digest.IndexOf(':', StringComparison.Ordinal)];
        var names = root.TryGetProperty("subject", out var subjects) && subjects.ValueKind == JsonValueKind.Array
            ? subjects.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.Object
                && d.TryGetProperty(algorithm, out var h) && h.ValueKind == JsonValueKind.String && h.GetString() == hex).ToList()
            : [];
        return names.Count == 0 ? $"the statement's subjects do not include {digest}" : null;
    }
}
