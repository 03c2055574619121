using System.Text;
using KanikoBuild.Registry;

namespace KanikoBuild.Signing.Tests;

/// <summary>Copying a digest's .sig and .att from a dev registry to a production one, as Promote will before signing there.</summary>
public class CopyTests(SigningRegistry registries) : IClassFixture<SigningRegistry>
{
    [Fact]
    public async Task Signatures_and_attestations_are_copied_byte_for_byte_and_production_then_adds_its_own()
    {
        using var devClient = SigningRegistry.Client(registries.Dev);
        using var prodClient = SigningRegistry.Client(registries.Prod);
        var name = SigningRegistry.NewRepository();
        var dev = new RegistryRepository(devClient, name);
        var prod = new RegistryRepository(prodClient, name);
        var digest = await TestImages.PushAsync(devClient, name);
        using var key = SigningKey.Load(registries.Keys.KeyA);
        var signer = new ImageSigner(key);
        await signer.SignAsync(dev, digest, Verdicts.Passing());
        await signer.AttestAsync(dev, digest, Encoding.UTF8.GetBytes(OpenSslInteropTests.ScanResult), OpenSslInteropTests.Details);
        // The image itself is promoted by the Promoter; here it is pushed again so that production can be signed.
        var image = await devClient.GetManifestAsync(name, digest);
        foreach (var blob in image.Blobs)
            await prodClient.PushBlobAsync(name, await devClient.ReadBlobAsync(name, blob.Digest, 1 << 20));
        await prodClient.PutManifestAsync(name, "1", image);

        var copies = await AttachmentCopier.CopyAsync(dev, prod, digest);

        Assert.Equal([(AttachmentKind.Signature, AttachmentCopyOutcome.Copied, 1), (AttachmentKind.Attestation, AttachmentCopyOutcome.Copied, 1)],
            copies.Select(c => (c.Kind, c.Outcome, c.LayersAdded)));
        foreach (var kind in new[] { AttachmentKind.Signature, AttachmentKind.Attestation })
        {
            var tag = AttachmentTags.For(digest, kind);
            Assert.Equal((await RawRegistry.ManifestAsync(registries.Dev, name, tag)).Bytes, (await RawRegistry.ManifestAsync(registries.Prod, name, tag)).Bytes);
        }
        using var publicKey = VerificationKey.Load(registries.Keys.KeyAPublic);
        // The copied signature names dev: production does not accept it as its own.
        var beforeSigning = await new SignatureVerifier(publicKey).VerifyAsync(prod, digest);
        Assert.Equal($"Signature for identity {registries.Dev.Host}/{name} is not accepted", beforeSigning.Message);
        Assert.True((await new AttestationVerifier(publicKey).VerifyAsync(prod, digest)).IsAccepted);

        var signed = await signer.SignAsync(prod, digest, Verdicts.Passing());

        Assert.Equal(2, Assert.Single(signed).Write.LayerCount);
        var afterSigning = await new SignatureVerifier(publicKey).VerifyAsync(prod, digest);
        Assert.Equal((1, 1), (Assert.Single(afterSigning.Accepted).LayerIndex, afterSigning.Refused.Count));
        Assert.Equal($"{registries.Prod.Host}/{name}", afterSigning.Accepted[0].Payload.DockerReference);
    }

    [Fact]
    public async Task Copying_again_merges_only_what_production_lacks_and_an_unsigned_digest_copies_nothing()
    {
        using var devClient = SigningRegistry.Client(registries.Dev);
        using var prodClient = SigningRegistry.Client(registries.Prod);
        var name = SigningRegistry.NewRepository();
        var dev = new RegistryRepository(devClient, name);
        var prod = new RegistryRepository(prodClient, name);
        var digest = await TestImages.PushAsync(devClient, name);
        var unsigned = await TestImages.PushAsync(devClient, name, "2");
        using var key = SigningKey.Load(registries.Keys.KeyA);
        var signer = new ImageSigner(key);
        await signer.SignAsync(dev, digest, Verdicts.Passing());
        await AttachmentCopier.CopyAsync(dev, prod, digest);
        await signer.SignAsync(dev, digest, Verdicts.Passing(high: 1));

        var again = await AttachmentCopier.CopyAsync(dev, prod, digest);
        var nothing = await AttachmentCopier.CopyAsync(dev, prod, unsigned);

        Assert.Equal((AttachmentCopyOutcome.Merged, 1), (again[0].Outcome, again[0].LayersAdded));
        Assert.Equal(AttachmentCopyOutcome.NotInSource, again[1].Outcome);
        Assert.All(nothing, c => Assert.Equal(AttachmentCopyOutcome.NotInSource, c.Outcome));
        var prodManifest = await prodClient.GetManifestAsync(name, AttachmentTags.For(digest, AttachmentKind.Signature));
        var devManifest = await devClient.GetManifestAsync(name, AttachmentTags.For(digest, AttachmentKind.Signature));
        Assert.Equal(devManifest.Layers.Select(l => l.Digest), prodManifest.Layers.Select(l => l.Digest));
        Assert.Null(await prodClient.FindManifestAsync(name, AttachmentTags.For(unsigned, AttachmentKind.Signature)));
    }
}
