using System.Text.Json;

namespace KanikoBuild.Signing;

/// <summary>Who ran the scan, as the vuln predicate's <c>invocation</c> records it (all optional).</summary>
/// <param name="Uri">Where the run can be seen (the CI job's URL).</param>
/// <param name="EventId">The CI run's id.</param>
/// <param name="BuilderId">What ran the scan, e.g. <c>KanikoBuild</c>.</param>
public sealed record AttestationInvocation(string? Uri = null, string? EventId = null, string? BuilderId = null);

/// <summary>What the vuln predicate says besides the result itself.</summary>
/// <param name="ScannerUri">The scanner (e.g. twistcli's documentation page, or the Console).</param>
/// <param name="ScannerVersion">The scanner's version.</param>
public sealed record VulnScanDetails(string ScannerUri, string ScannerVersion, DateTimeOffset ScanStartedOn, DateTimeOffset ScanFinishedOn)
{
    /// <summary>The vulnerability database (Prisma Cloud's intelligence stream): where and which version, when known.</summary>
    public string? DatabaseUri { get; init; }
    public string? DatabaseVersion { get; init; }
    public AttestationInvocation Invocation { get; init; } = new(BuilderId: "KanikoBuild");
}

/// <summary>
/// The full scan result as an in-toto Statement v0.1 with cosign's vulnerability predicate
/// (<c>https://cosign.sigstore.dev/attestation/vuln/v1</c>; cosign <c>pkg/cosign/attestation</c>), which
/// <c>cosign verify-attestation --type vuln</c> reads and Kyverno's <c>attestations</c> conditions query.
/// </summary>
public static class VulnAttestation
{
    public const string StatementType = "https://in-toto.io/Statement/v0.1";
    public const string PredicateType = "https://cosign.sigstore.dev/attestation/vuln/v1";

    /// <summary>
    /// The statement's bytes. Members are in the order cosign's Go structs give them; the scan result is embedded as
    /// JSON (re-written compact: whitespace goes, content stays).
    /// </summary>
    /// <param name="subjectName">The repository, <c>host[:port]/path</c>, as cosign names the subject.</param>
    /// <param name="scanResultJson">The pipeline's <c>scan-result.json</c>.</param>
    public static byte[] CreateStatement(string subjectName, string imageDigest, ReadOnlyMemory<byte> scanResultJson, VulnScanDetails details)
    {
        var digest = KanikoBuild.Registry.Digest.Parse(imageDigest, "image digest").Value;
        if (!digest.StartsWith("sha256:", StringComparison.Ordinal))
            throw new PipelineException($"The image digest {digest} is not sha256; cosign's attestations name sha256 subjects only.");
        JsonDocument result;
        try
        {
            result = JsonDocument.Parse(scanResultJson);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"The scan result to attest is not valid JSON ({e.Message}); nothing was attested.", e);
        }
        using (result)
        {
            return JsonText.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("_type", StatementType);
                writer.WriteString("predicateType", PredicateType);
                writer.WriteStartArray("subject");
                writer.WriteStartObject();
                writer.WriteString("name", subjectName);
                writer.WriteStartObject("digest");
                writer.WriteString("sha256", digest["sha256:".Length..]);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();

                writer.WriteStartObject("predicate");
                writer.WriteStartObject("invocation");
                writer.WriteNull("parameters");
                writer.WriteString("uri", details.Invocation.Uri ?? "");
                writer.WriteString("event_id", details.Invocation.EventId ?? "");
                writer.WriteString("builder.id", details.Invocation.BuilderId ?? "");
                writer.WriteEndObject();
                writer.WriteStartObject("scanner");
                writer.WriteString("uri", details.ScannerUri);
                writer.WriteString("version", details.ScannerVersion);
                writer.WriteStartObject("db");
                writer.WriteString("uri", details.DatabaseUri ?? "");
                writer.WriteString("version", details.DatabaseVersion ?? "");
                writer.WriteEndObject();
                writer.WritePropertyName("result");
                result.RootElement.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteStartObject("metadata");
                writer.WriteString("scanStartedOn", VerdictAnnotations.FormatTime(details.ScanStartedOn));
                writer.WriteString("scanFinishedOn", VerdictAnnotations.FormatTime(details.ScanFinishedOn));
                writer.WriteEndObject();
                writer.WriteEndObject();

                writer.WriteEndObject();
            });
        }
    }
}
