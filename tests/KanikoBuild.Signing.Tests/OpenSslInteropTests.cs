using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KanikoBuild.Testing;

namespace KanikoBuild.Signing.Tests;

/// <summary>
/// What landed in a real docker-registry verifies with OpenSSL, which shares no code with .NET: the signature over
/// the payload blob as uploaded, and the attestation's DSSE signature over the PAE bytes.
/// </summary>
public class OpenSslInteropTests(SigningRegistry registries) : IClassFixture<SigningRegistry>
{
    internal static readonly string ScanResult = """
        {
          "formatVersion": 1,
          "generator": { "name": "KanikoBuild", "version": "1.0.0" },
          "result": { "source": "twistcli", "imageName": "team/app:1", "vulnerabilities": [ { "id": "CVE-2026-0001", "severity": "high", "packageName": "busybox", "fixedIn": "1.37.1" } ] },
          "verdict": { "passed": true, "reasons": [], "vulnerabilityCounts": [ { "severity": "high", "total": 1, "counted": 1, "limit": 1 } ] }
        }
        """;

    internal static readonly VulnScanDetails Details = new("https://docs.prismacloud.io/en/compute-edition/32/admin-guide/tools/twistcli-scan-images", "32.07.123",
        new DateTimeOffset(2026, 12, 1, 9, 59, 30, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero))
    {
        DatabaseUri = "https://console.example.com",
        Invocation = new AttestationInvocation("https://ci.example.com/jobs/42", "42", "KanikoBuild"),
    };

    [Fact]
    public async Task The_signature_verifies_with_openssl_over_the_payload_blob_as_the_registry_serves_it()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        var digest = await TestImages.PushAsync(client, repository.Repository);
        using (var key = SigningKey.Load(registries.Keys.Encrypted, KeyFiles.Password))
            await new ImageSigner(key).SignAsync(repository, digest, Verdicts.Passing());

        var (manifest, contentType) = await RawRegistry.ManifestAsync(registries.Dev, repository.Repository, AttachmentTags.For(digest, AttachmentKind.Signature));
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", contentType);
        var layer = Assert.Single(RawRegistry.Layers(manifest));
        Assert.Equal("application/vnd.dev.cosign.simplesigning.v1+json", layer.MediaType);
        var payload = await RawRegistry.BlobAsync(registries.Dev, repository.Repository, layer.Digest);
        var signature = Convert.FromBase64String(layer.Annotations["dev.cosignproject.cosign/signature"]);

        using var scratch = new TempDirectory("kanikobuild-openssl-");
        var (verified, output) = await OpenSsl.VerifyAsync(registries.Keys.EncryptedPublic, signature, payload, scratch);
        Assert.True(verified, output);
        var (byOtherKey, _) = await OpenSsl.VerifyAsync(registries.Keys.KeyAPublic, signature, payload, scratch);
        Assert.False(byOtherKey);
        using var parsed = JsonDocument.Parse(payload);
        Assert.Equal(digest, parsed.RootElement.GetProperty("critical").GetProperty("image").GetProperty("docker-manifest-digest").GetString());
    }

    [Fact]
    public async Task The_attestation_is_cosigns_vuln_statement_in_a_DSSE_envelope_that_openssl_verifies_over_the_PAE()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        var digest = await TestImages.PushAsync(client, repository.Repository);
        using (var key = SigningKey.Load(registries.Keys.KeyA))
            await new ImageSigner(key).AttestAsync(repository, digest, Encoding.UTF8.GetBytes(ScanResult), Details);

        var (manifest, contentType) = await RawRegistry.ManifestAsync(registries.Dev, repository.Repository, AttachmentTags.For(digest, AttachmentKind.Attestation));
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", contentType);
        Assert.EndsWith(".att", AttachmentTags.For(digest, AttachmentKind.Attestation), StringComparison.Ordinal);
        var layer = Assert.Single(RawRegistry.Layers(manifest));
        Assert.Equal("application/vnd.dsse.envelope.v1+json", layer.MediaType);
        Assert.Equal(new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = "", ["predicateType"] = "https://cosign.sigstore.dev/attestation/vuln/v1" }, layer.Annotations);

        using var envelope = JsonDocument.Parse(await RawRegistry.BlobAsync(registries.Dev, repository.Repository, layer.Digest));
        var payloadType = envelope.RootElement.GetProperty("payloadType").GetString()!;
        Assert.Equal("application/vnd.in-toto+json", payloadType);
        var statement = Convert.FromBase64String(envelope.RootElement.GetProperty("payload").GetString()!);
        var signature = Assert.Single(envelope.RootElement.GetProperty("signatures").EnumerateArray());
        Assert.Equal("", signature.GetProperty("keyid").GetString());
        // DSSE's pre-authentication encoding, built here from the spec, not with the code under test.
        var pae = Encoding.UTF8.GetBytes($"DSSEv1 {payloadType.Length} {payloadType} {statement.Length} ").Concat(statement).ToArray();
        using var scratch = new TempDirectory("kanikobuild-openssl-");
        var (verified, output) = await OpenSsl.VerifyAsync(registries.Keys.KeyAPublic, Convert.FromBase64String(signature.GetProperty("sig").GetString()!), pae, scratch);
        Assert.True(verified, output);

        var parsed = JsonNode.Parse(statement)!;
        Assert.Equal("https://in-toto.io/Statement/v0.1", (string?)parsed["_type"]);
        Assert.Equal("https://cosign.sigstore.dev/attestation/vuln/v1", (string?)parsed["predicateType"]);
        var subject = Assert.Single(parsed["subject"]!.AsArray())!;
        Assert.Equal(repository.Name, (string?)subject["name"]);
        Assert.Equal(digest["sha256:".Length..], (string?)subject["digest"]!["sha256"]);
        var predicate = parsed["predicate"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ScanResult), predicate["scanner"]!["result"]));
        Assert.Equal(("32.07.123", "https://console.example.com"), ((string?)predicate["scanner"]!["version"], (string?)predicate["scanner"]!["db"]!["uri"]));
        Assert.Equal(("2026-12-01T09:59:30Z", "2026-12-01T10:00:00Z"), ((string?)predicate["metadata"]!["scanStartedOn"], (string?)predicate["metadata"]!["scanFinishedOn"]));
        Assert.Equal(("https://ci.example.com/jobs/42", "42", "KanikoBuild"), ((string?)predicate["invocation"]!["uri"], (string?)predicate["invocation"]!["event_id"], (string?)predicate["invocation"]!["builder.id"]));
        Assert.True((bool)predicate["scanner"]!["result"]!["verdict"]!["passed"]!);
    }

    [Fact]
    public async Task The_attestation_verifier_accepts_the_key_and_refuses_another_key_and_another_digest()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        var digest = await TestImages.PushAsync(client, repository.Repository);
        var other = await TestImages.PushAsync(client, repository.Repository, "2");
        using (var key = SigningKey.Load(registries.Keys.KeyA))
            await new ImageSigner(key).AttestAsync(repository, digest, Encoding.UTF8.GetBytes(ScanResult), Details);

        using var keyA = VerificationKey.Load(registries.Keys.KeyAPublic);
        using var keyB = VerificationKey.Load(registries.Keys.KeyBPublic);
        var accepted = await new AttestationVerifier(keyA).VerifyAsync(repository, digest);
        var wrongKey = await new AttestationVerifier(keyB).VerifyAsync(repository, digest);
        var wrongType = await new AttestationVerifier(keyA).VerifyAsync(repository, digest, "https://slsa.dev/provenance/v0.2");
        var unattested = await new AttestationVerifier(keyA).VerifyAsync(repository, other);

        Assert.True(accepted.IsAccepted, accepted.Message);
        Assert.True(Assert.Single(accepted.Accepted).Predicate.GetProperty("scanner").GetProperty("result").GetProperty("verdict").GetProperty("passed").GetBoolean());
        Assert.Equal("None of the attestations were accepted, reasons: invalid signature when validating the DSSE envelope", wrongKey.Message);
        Assert.Equal("None of the attestations were accepted, reasons: the statement's predicate type is not https://slsa.dev/provenance/v0.2", wrongType.Message);
        Assert.Equal($"no matching attestations for digest {other}", unattested.Message);
    }

    [Fact]
    public async Task A_scan_result_that_is_not_JSON_is_not_attested()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        var digest = await TestImages.PushAsync(client, repository.Repository);
        using var key = SigningKey.Load(registries.Keys.KeyA);

        var error = await Assert.ThrowsAsync<PipelineException>(() => new ImageSigner(key).AttestAsync(repository, digest, "not json"u8.ToArray(), Details));

        Assert.StartsWith("The scan result to attest is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Null(await client.FindManifestAsync(repository.Repository, AttachmentTags.For(digest, AttachmentKind.Attestation)));
    }
}
