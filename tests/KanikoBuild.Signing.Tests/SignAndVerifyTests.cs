using System.Text.Json;
using KanikoBuild.Registry;
using Microsoft.Extensions.Time.Testing;

namespace KanikoBuild.Signing.Tests;

/// <summary>Signing a pushed image in a real docker-registry and verifying it: what is accepted, what is refused and why.</summary>
public class SignAndVerifyTests(SigningRegistry registries) : IClassFixture<SigningRegistry>
{
    static readonly FakeTimeProvider s_clock = new(new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero));

    SigningKey KeyA => SigningKey.Load(registries.Keys.KeyA);
    SigningKey KeyB => SigningKey.Load(registries.Keys.KeyB);

    async Task<(RegistryClient Client, RegistryRepository Repository, string Digest)> PushedImageAsync()
    {
        var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        return (client, repository, await TestImages.PushAsync(client, repository.Repository));
    }

    [Fact]
    public async Task A_signed_digest_verifies_with_the_key_and_gives_back_the_verdict()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        using var key = KeyA;

        var signed = await new ImageSigner(key, new SignerOptions { TimeProvider = s_clock }).SignAsync(repository, digest, Verdicts.Passing(high: 1));

        var write = Assert.Single(signed).Write;
        Assert.Equal((AttachmentTags.For(digest, AttachmentKind.Signature), true, 1), (write.Tag, write.Added, write.LayerCount));
        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);
        var verification = await new SignatureVerifier(publicKey).VerifyAsync(repository, digest);
        Assert.True(verification.IsAccepted, verification.Message);
        Assert.Equal(Verdicts.Passing(high: 1), verification.RequireVerdict());
        var accepted = Assert.Single(verification.Accepted);
        Assert.Equal(($"{registries.Dev.Host}/{repository.Repository}", digest, "KanikoBuild", s_clock.GetUtcNow().ToUnixTimeSeconds()),
            (accepted.Payload.DockerReference, accepted.Payload.ManifestDigest, accepted.Payload.Creator, accepted.Payload.Timestamp));
        // The manifest at the tag is OCI, as verifiers require, with the layer media type they look for.
        var manifest = await client.GetManifestAsync(repository.Repository, write.Tag);
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal(CosignFormat.SimpleSigningMediaType, Assert.Single(manifest.Layers).MediaType);
    }

    [Fact]
    public async Task A_signature_by_another_key_is_refused()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        using var key = KeyB;
        await new ImageSigner(key).SignAsync(repository, digest, Verdicts.Passing());

        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);
        var verification = await new SignatureVerifier(publicKey).VerifyAsync(repository, digest);

        Assert.False(verification.IsAccepted);
        Assert.Equal("cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature", verification.Message);
        var error = Assert.Throws<PipelineException>(() => verification.RequireVerdict());
        Assert.Equal($"{repository.Name}@{digest} has no valid signed verdict: {verification.Message}", error.Message);
    }

    [Fact]
    public async Task A_signature_over_another_digest_is_refused_even_at_this_digests_tag()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        var other = await TestImages.PushAsync(client, repository.Repository, "2");
        using var key = KeyA;
        // The payload names the other image; it is stored where this image's signatures live.
        var payload = SimpleSigningPayload.Create(repository.Name, other, VerdictAnnotations.From(Verdicts.Passing()));
        await AttachmentWriter.AppendAsync(repository, digest, AttachmentKind.Signature, AttachmentLayer.Signature(payload, key.SignToBase64(payload)));

        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);
        var verification = await new SignatureVerifier(publicKey).VerifyAsync(repository, digest);

        Assert.Equal($"Signature for digest {other} does not match", verification.Message);
    }

    [Fact]
    public async Task A_signature_naming_another_repository_is_refused()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        using var key = KeyA;
        var elsewhere = new RegistryRepository(client, repository.Repository, identity: $"{registries.Dev.Host}/other/app");
        await new ImageSigner(key).SignAsync(elsewhere, digest, Verdicts.Passing());

        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);
        var verification = await new SignatureVerifier(publicKey).VerifyAsync(repository, digest);

        Assert.Equal($"Signature for identity {registries.Dev.Host}/other/app is not accepted", verification.Message);
        // The same host spelt differently is another name too (consumers must pull as signed).
        var byLocalhost = await new SignatureVerifier(publicKey, new SignatureVerifierOptions { ExpectedIdentity = $"localhost:{registries.Dev.Port}/{repository.Repository}" })
            .VerifyAsync(elsewhere, digest);
        Assert.False(byLocalhost.IsAccepted);
    }

    [Fact]
    public async Task Bad_then_good_is_accepted_and_every_refusal_is_reported()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        using var keyA = KeyA;
        using var keyB = KeyB;
        await new ImageSigner(keyB).SignAsync(repository, digest, Verdicts.Passing());
        var second = await new ImageSigner(keyA).SignAsync(repository, digest, Verdicts.Passing());
        Assert.Equal(2, Assert.Single(second).Write.LayerCount);

        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);
        var verification = await new SignatureVerifier(publicKey).VerifyAsync(repository, digest);

        Assert.True(verification.IsAccepted, verification.Message);
        Assert.Equal(1, Assert.Single(verification.Accepted).LayerIndex);
        Assert.Equal(0, Assert.Single(verification.Refused).LayerIndex);

        using var publicKeyOfNobody = VerificationKey.Load(registries.Keys.EcparamPublic);
        var none = await new SignatureVerifier(publicKeyOfNobody).VerifyAsync(repository, digest);
        Assert.Equal("None of the signatures were accepted, reasons: cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature; cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature", none.Message);
    }

    [Fact]
    public async Task An_unsigned_digest_has_no_signature_and_non_signature_layers_are_not_signatures()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);
        var verifier = new SignatureVerifier(publicKey);

        Assert.Equal("A signature was required, but no signature exists", (await verifier.VerifyAsync(repository, digest)).Message);

        using var key = KeyA;
        var payload = SimpleSigningPayload.Create(repository.Name, digest, VerdictAnnotations.From(Verdicts.Passing()));
        await AttachmentWriter.AppendAsync(repository, digest, AttachmentKind.Signature,
            new AttachmentLayer("application/json", payload, new Dictionary<string, string> { [CosignFormat.SignatureAnnotation] = key.SignToBase64(payload) }));
        Assert.Equal("A signature was required, but no signature exists (0 non-sigstore signatures, 1 sigstore non-signature attachments)", (await verifier.VerifyAsync(repository, digest)).Message);
    }

    [Fact]
    public async Task A_layer_without_the_signature_annotation_is_refused()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        var payload = SimpleSigningPayload.Create(repository.Name, digest, VerdictAnnotations.From(Verdicts.Passing()));
        await AttachmentWriter.AppendAsync(repository, digest, AttachmentKind.Signature, new AttachmentLayer(CosignFormat.SimpleSigningMediaType, payload, new Dictionary<string, string>()));

        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);
        Assert.Equal("missing dev.cosignproject.cosign/signature annotation", (await new SignatureVerifier(publicKey).VerifyAsync(repository, digest)).Message);
    }

    [Fact]
    public async Task An_identical_layer_is_not_added_twice_and_each_new_signature_extends_the_config()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        using var key = KeyA;
        var payload = SimpleSigningPayload.Create(repository.Name, digest, VerdictAnnotations.From(Verdicts.Passing()));
        var layer = AttachmentLayer.Signature(payload, key.SignToBase64(payload));

        var first = await AttachmentWriter.AppendAsync(repository, digest, AttachmentKind.Signature, layer);
        var again = await AttachmentWriter.AppendAsync(repository, digest, AttachmentKind.Signature, layer);
        // Same payload, a fresh (randomised) ECDSA signature: a different layer, kept beside the first as cosign keeps it.
        var resigned = await AttachmentWriter.AppendAsync(repository, digest, AttachmentKind.Signature, AttachmentLayer.Signature(payload, key.SignToBase64(payload)));

        Assert.Equal((true, false, true), (first.Added, again.Added, resigned.Added));
        Assert.Equal(first.ManifestDigest, again.ManifestDigest);
        Assert.Equal(2, resigned.LayerCount);
        var manifest = await client.GetManifestAsync(repository.Repository, resigned.Tag);
        Assert.All(manifest.Layers, l => Assert.Equal(layer.Digest, l.Digest));
        using var config = JsonDocument.Parse(await client.ReadBlobAsync(repository.Repository, manifest.Config!.Digest, 65536));
        Assert.Equal([layer.Digest, layer.Digest], config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(2, config.RootElement.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task An_index_is_signed_with_every_platform_manifest_and_each_verifies()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        var (index, platforms) = await TestImages.PushIndexAsync(client, repository.Repository);
        using var key = KeyA;

        var signed = await new ImageSigner(key).SignAsync(repository, index, Verdicts.Passing());

        Assert.Equal([.. platforms, index], signed.Select(s => s.Digest));
        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);
        foreach (var digest in signed.Select(s => s.Digest))
            Assert.True((await new SignatureVerifier(publicKey).VerifyAsync(repository, digest)).IsAccepted);
    }

    [Fact]
    public async Task Nothing_is_signed_for_a_digest_that_was_not_pushed_or_a_verdict_that_failed()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        using var key = KeyA;
        var signer = new ImageSigner(key);
        var missing = "sha256:" + new string('0', 64);

        var notPushed = await Assert.ThrowsAsync<PipelineException>(() => signer.SignAsync(repository, missing, Verdicts.Passing()));
        Assert.Equal($"The image {repository.Name}@{missing} does not exist, so it cannot be signed; sign a digest after it was pushed there. Nothing was signed.", notPushed.Message);
        var failed = await Assert.ThrowsAsync<PipelineException>(() => signer.SignAsync(repository, digest, Verdicts.Failing()));
        Assert.StartsWith($"Refusing to sign {repository.Name}@{digest}: its verdict did not pass.", failed.Message);
        Assert.Null(await client.FindManifestAsync(repository.Repository, AttachmentTags.For(digest, AttachmentKind.Signature)));
    }
    [Fact]
    public async Task A_Docker_typed_sig_manifest_is_refused_as_verifiers_refuse_it_and_signing_again_makes_it_OCI_keeping_its_layer()
    {
        var (client, repository, digest) = await PushedImageAsync();
        using var _ = client;
        using var key = KeyA;
        var payload = SimpleSigningPayload.Create(repository.Name, digest, VerdictAnnotations.From(Verdicts.Passing()));
        var layer = AttachmentLayer.Signature(payload, key.SignToBase64(payload));
        var oci = AttachmentImage.Create(layer);
        await client.PushBlobAsync(repository.Repository, payload);
        await client.PushBlobAsync(repository.Repository, oci.Config);
        var tag = AttachmentTags.For(digest, AttachmentKind.Signature);
        var docker = System.Text.Encoding.UTF8.GetString(oci.Manifest)
            .Replace(MediaTypes.OciManifest, MediaTypes.DockerManifest, StringComparison.Ordinal)
            .Replace(MediaTypes.OciConfig, MediaTypes.DockerConfig, StringComparison.Ordinal);
        await client.PutManifestAsync(repository.Repository, tag, System.Text.Encoding.UTF8.GetBytes(docker), MediaTypes.DockerManifest);
        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);

        var refused = await new SignatureVerifier(publicKey).VerifyAsync(repository, digest);
        var signed = await new ImageSigner(key).SignAsync(repository, digest, Verdicts.Passing());
        var accepted = await new SignatureVerifier(publicKey).VerifyAsync(repository, digest);

        Assert.Equal($"unexpected MIME type for sigstore attachment manifest {repository.Name}:{tag}: \"{MediaTypes.DockerManifest}\"", refused.Message);
        Assert.Equal(2, Assert.Single(signed).Write.LayerCount);
        Assert.Equal(MediaTypes.OciManifest, (await client.GetManifestAsync(repository.Repository, tag)).MediaType);
        Assert.Equal([0, 1], accepted.Accepted.Select(a => a.LayerIndex));
    }
}
