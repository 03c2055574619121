using System.Text;
using KanikoBuild.Registry;

namespace KanikoBuild.Signing.Tests;

/// <summary>
/// The worked example of signing.md §6: a payload, signature and public key that an unpatched skopeo accepted.
/// The verifier must accept it and refuse it with any byte changed; the storage code must rebuild its config and
/// manifest byte for byte.
/// </summary>
public class KnownAnswerTests(SigningRegistry registries) : IClassFixture<SigningRegistry>
{
    internal const string Identity = "127.0.0.1:55919/team/app";
    internal const string ImageDigest = "sha256:7c2fde78747424f8958bb8d5c0d3610240ae70f8b8bd2a27065c98b2bd6e9184";
    internal const string Payload = """{"critical":{"identity":{"docker-reference":"127.0.0.1:55919/team/app"},"image":{"docker-manifest-digest":"sha256:7c2fde78747424f8958bb8d5c0d3610240ae70f8b8bd2a27065c98b2bd6e9184"},"type":"cosign container image signature"},"optional":{"creator":"sigexp 0.1","timestamp":1764619200,"scan.verdict":"pass","scan.critical":0}}""";
    internal const string Signature = "MEUCIQCZfnRYuiHDfmn3zMw3+9MnVTSIifBZKk86Pryz6nuvgAIgfem7dmLg8/WnqA4AwhGLX+owxhUaUsL7OA7gN789sEE=";
    internal const string PublicKeyPem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE6jTwQlsYhBbJLIuCQTHEWNbZ7lI7\n8+hhQnCvs3ulLGCSv6kNAzSOMS3JTe2GVPqkaahj1vmWhC0KAMLm/tKbNg==\n-----END PUBLIC KEY-----\n";

    static byte[] PayloadBytes => Encoding.UTF8.GetBytes(Payload);

    [Fact]
    public void The_vector_verifies_and_its_payload_parses_strictly()
    {
        using var key = VerificationKey.FromPem(PublicKeyPem, "keyA.pub");
        Assert.Equal(323, PayloadBytes.Length);
        Assert.Equal("sha256:b8ff543d77ca3fe8dcdb2c4fff3d6798f122d61052c8ae95cc9407cd218eaf15", Digest.Sha256(PayloadBytes));

        var (payload, reason) = SignatureVerifier.Check(PayloadBytes, Signature, key, ImageDigest, Identity, requirePassingVerdict: false);

        Assert.Null(reason);
        Assert.Equal(new SignedPayload(Identity, ImageDigest, "sigexp 0.1", 1764619200, null), payload);
        // The SPKI PEM round-trips byte for byte (what verifiers are handed; openssl wraps at 64 columns too).
        Assert.Equal(PublicKeyPem.TrimEnd(), key.Pem.TrimEnd());
    }

    [Fact]
    public void Any_flipped_byte_of_the_payload_or_signature_is_refused()
    {
        using var key = VerificationKey.FromPem(PublicKeyPem, "keyA.pub");
        for (var i = 0; i < PayloadBytes.Length; i += 17)
        {
            var tampered = PayloadBytes;
            tampered[i] ^= 0x01;
            var (payload, reason) = SignatureVerifier.Check(tampered, Signature, key, ImageDigest, Identity, requirePassingVerdict: false);
            Assert.Null(payload);
            Assert.Equal("cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature", reason);
        }
        var signature = Convert.FromBase64String(Signature);
        signature[^5] ^= 0x01;
        Assert.Equal("cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature",
            SignatureVerifier.Check(PayloadBytes, Convert.ToBase64String(signature), key, ImageDigest, Identity, false).Reason);
    }

    [Fact]
    public void The_verifier_refuses_the_vector_for_another_digest_or_repository_and_unpadded_base64()
    {
        using var key = VerificationKey.FromPem(PublicKeyPem, "keyA.pub");
        const string other = "sha256:9cef32a7945915f9830e518289ed1ab344e9b539d50623f6b3f67782cd0912f2";
        Assert.Equal($"Signature for digest {ImageDigest} does not match", SignatureVerifier.Check(PayloadBytes, Signature, key, other, Identity, false).Reason);
        Assert.Equal($"Signature for identity {Identity} is not accepted", SignatureVerifier.Check(PayloadBytes, Signature, key, ImageDigest, "127.0.0.1:55919/other/app", false).Reason);
        Assert.Equal($"Signature for identity {Identity} is not accepted", SignatureVerifier.Check(PayloadBytes, Signature, key, ImageDigest, "localhost:55919/team/app", false).Reason);
        Assert.StartsWith("base64 decoding:", SignatureVerifier.Check(PayloadBytes, Signature.TrimEnd('='), key, ImageDigest, Identity, false).Reason);
        // A plain cosign signature carries no verdict: VerifyImage's default refuses it.
        Assert.Equal("Signature carries no KanikoBuild verdict", SignatureVerifier.Check(PayloadBytes, Signature, key, ImageDigest, Identity, true).Reason);
    }

    [Fact]
    public void The_storage_code_rebuilds_the_vectors_config_and_manifest_byte_for_byte()
    {
        var built = AttachmentImage.Create(AttachmentLayer.Signature(PayloadBytes, Signature));

        Assert.Equal(233, built.Config.Length);
        Assert.Equal("sha256:fb318fe528a92733979ed491243e5534cdfa735000368a5f8477fa743509afc4", Digest.Sha256(built.Config));
        Assert.Equal("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":233,"digest":"sha256:fb318fe528a92733979ed491243e5534cdfa735000368a5f8477fa743509afc4"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":323,"digest":"sha256:b8ff543d77ca3fe8dcdb2c4fff3d6798f122d61052c8ae95cc9407cd218eaf15","annotations":{"dev.cosignproject.cosign/signature":"MEUCIQCZfnRYuiHDfmn3zMw3+9MnVTSIifBZKk86Pryz6nuvgAIgfem7dmLg8/WnqA4AwhGLX+owxhUaUsL7OA7gN789sEE="}}]}""",
            Encoding.UTF8.GetString(built.Manifest));
        Assert.Equal("sha256:34ea99deff993bac69485d942033f8401ed1ac80a498341c424b534b8c515a43", Digest.Sha256(built.Manifest));
        Assert.Equal("sha256-7c2fde78747424f8958bb8d5c0d3610240ae70f8b8bd2a27065c98b2bd6e9184.sig", AttachmentTags.For(ImageDigest, AttachmentKind.Signature));
    }

    [Fact]
    public async Task The_vector_stored_in_a_real_registry_verifies_through_the_registry()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        var write = await AttachmentWriter.AppendAsync(repository, ImageDigest, AttachmentKind.Signature, AttachmentLayer.Signature(PayloadBytes, Signature));
        Assert.Equal("sha256:34ea99deff993bac69485d942033f8401ed1ac80a498341c424b534b8c515a43", write.ManifestDigest);

        using var key = VerificationKey.FromPem(PublicKeyPem, "keyA.pub");
        var verification = await new SignatureVerifier(key, new SignatureVerifierOptions { RequirePassingVerdict = false, ExpectedIdentity = Identity })
            .VerifyAsync(repository, ImageDigest);

        Assert.True(verification.IsAccepted, verification.Message);
        Assert.Equal(Identity, Assert.Single(verification.Accepted).Payload.DockerReference);
        Assert.Null(verification.Verdict);
    }
}
