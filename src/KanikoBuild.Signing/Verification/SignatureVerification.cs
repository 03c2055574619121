namespace KanikoBuild.Signing;

/// <summary>A signature layer that verified: the payload as its signer wrote it.</summary>
public sealed record VerifiedSignature(int LayerIndex, string PayloadDigest, SignedPayload Payload)
{
    /// <summary>The verdict it carries, or null for a signature without one.</summary>
    public VerdictClaims? Verdict => Payload.Verdict;
}

/// <summary>A signature layer that did not verify, and why, in the words verifiers use.</summary>
public sealed record RefusedSignature(int LayerIndex, string Reason);

/// <summary>The outcome of checking a digest's <c>.sig</c>: every layer accepted or refused with its reason.</summary>
public sealed record SignatureVerification(string Identity, string Digest, IReadOnlyList<VerifiedSignature> Accepted, IReadOnlyList<RefusedSignature> Refused)
{
    /// <summary>Layers of another media type (attestations, SBOMs) that were skipped, as skopeo skips them.</summary>
    public int NonSignatureAttachments { get; init; }

    /// <summary>Set when the <c>.sig</c> tag itself is unusable (wrong manifest type); then no layer was looked at.</summary>
    public string? TagProblem { get; init; }

    public bool IsAccepted => Accepted.Count > 0;

    /// <summary>The verdict of the first accepted signature carrying one.</summary>
    public VerdictClaims? Verdict => Accepted.Select(a => a.Verdict).FirstOrDefault(v => v is not null);

    /// <summary>One line: which signature was accepted, or why none was (skopeo's wording).</summary>
    public string Message
    {
        get
        {
            if (IsAccepted)
            {
                var first = Accepted[0];
                return first.Verdict is { } verdict
                    ? $"Accepted: signature {first.LayerIndex + 1} by this key, for digest {Digest} and identity {first.Payload.DockerReference}; verdict passed={(verdict.Passed ? "true" : "false")} under policy {verdict.PolicyDigest}."
                    : $"Accepted: signature {first.LayerIndex + 1} by this key, for digest {Digest} and identity {first.Payload.DockerReference}.";
            }
            if (TagProblem is not null)
                return TagProblem;
            return Refused.Count switch
            {
                0 when NonSignatureAttachments > 0 => $"A signature was required, but no signature exists (0 non-sigstore signatures, {NonSignatureAttachments} sigstore non-signature attachments)",
                0 => "A signature was required, but no signature exists",
                1 => Refused[0].Reason,
                _ => "None of the signatures were accepted, reasons: " + string.Join("; ", Refused.Select(r => r.Reason)),
            };
        }
    }

    /// <summary>The accepted signature's verdict, or a <see cref="PipelineException"/> saying why the digest is not verified.</summary>
    public VerdictClaims RequireVerdict()
    {
        if (Verdict is { } verdict)
            return verdict;
        throw new PipelineException($"{Identity}@{Digest} has no valid signed verdict: {Message}");
    }
}
