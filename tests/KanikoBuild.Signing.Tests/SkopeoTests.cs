using System.Text.Json;
using KanikoBuild.Testing;

namespace KanikoBuild.Signing.Tests;

/// <summary>
/// Debian's skopeo finds and recognises the signatures with a <c>sigstoreSigned</c> policy and
/// <c>use-sigstore-attachments: true</c>. Its build can never accept one (signing.md §0: verification is patched
/// out), so what it proves is the storage layout, through how far it gets: "sigstore disabled" means found and
/// recognised; "no signature exists" means not found; "non-signature attachments" means the wrong layer type.
/// </summary>
public class SkopeoTests(SigningRegistry registries) : IClassFixture<SigningRegistry>
{
    const string Recognised = "Source image rejected: Debian-local change: sigstore disabled";

    async Task<Shell.Result> CopyAsync(string repository, string digest, TempDirectory scratch)
    {
        var skopeo = Peer.RequireExecutable("skopeo", "skopeo");
        var policy = scratch.Write("policy.json", JsonSerializer.Serialize(new
        {
            @default = new[] { new { type = "reject" } },
            transports = new Dictionary<string, object>
            {
                ["docker"] = new Dictionary<string, object>
                {
                    [$"{registries.Dev.Host}/{repository}"] = new[]
                    {
                        new { type = "sigstoreSigned", keyPath = registries.Keys.KeyAPublic, signedIdentity = new { type = "matchRepository" } },
                    },
                },
                ["dir"] = new Dictionary<string, object> { [""] = new[] { new { type = "insecureAcceptAnything" } } },
            },
        }));
        scratch.Write("registries.d/local.yaml", $"docker:\n  {registries.Dev.Host}:\n    use-sigstore-attachments: true\n");
        return await Shell.RunAsync(skopeo, ["--policy", policy, "--registries.d", scratch.Combine("registries.d"),
            "copy", "--src-tls-verify=false", $"docker://{registries.Dev.Host}/{repository}@{digest}", $"dir:{scratch.Combine("out-" + Guid.NewGuid().ToString("N"))}"]);
    }

    [Fact]
    public async Task A_signed_image_is_found_and_recognised()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        var digest = await TestImages.PushAsync(client, repository.Repository);
        using (var key = SigningKey.Load(registries.Keys.KeyA))
            await new ImageSigner(key).SignAsync(repository, digest, Verdicts.Passing());
        using var scratch = new TempDirectory("kanikobuild-skopeo-");

        var result = await CopyAsync(repository.Repository, digest, scratch);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(Recognised, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsigned_image_has_no_signature()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = SigningRegistry.NewRepository();
        var digest = await TestImages.PushAsync(client, repository);
        using var scratch = new TempDirectory("kanikobuild-skopeo-");

        var result = await CopyAsync(repository, digest, scratch);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("A signature was required, but no signature exists", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_layer_of_another_media_type_is_a_non_signature_attachment()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        var digest = await TestImages.PushAsync(client, repository.Repository);
        using var key = SigningKey.Load(registries.Keys.KeyA);
        var payload = SimpleSigningPayload.Create(repository.Name, digest, VerdictAnnotations.From(Verdicts.Passing()));
        await AttachmentWriter.AppendAsync(repository, digest, AttachmentKind.Signature,
            new AttachmentLayer("application/json", payload, new Dictionary<string, string> { [CosignFormat.SignatureAnnotation] = key.SignToBase64(payload) }));
        using var scratch = new TempDirectory("kanikobuild-skopeo-");

        var result = await CopyAsync(repository.Repository, digest, scratch);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("(0 non-sigstore signatures, 1 sigstore non-signature attachments)", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_and_attested_image_is_recognised_with_the_attestation_beside_it()
    {
        using var client = SigningRegistry.Client(registries.Dev);
        var repository = new RegistryRepository(client, SigningRegistry.NewRepository());
        var digest = await TestImages.PushAsync(client, repository.Repository);
        using var key = SigningKey.Load(registries.Keys.KeyB);
        await new ImageSigner(key).SignAsync(repository, digest, Verdicts.Passing());
        // The attestation at .att is not a signature and does not disturb the one at .sig (signed with key B: found, recognised).
        await new ImageSigner(key).AttestAsync(repository, digest, System.Text.Encoding.UTF8.GetBytes(OpenSslInteropTests.ScanResult), OpenSslInteropTests.Details);
        using var scratch = new TempDirectory("kanikobuild-skopeo-");

        var result = await CopyAsync(repository.Repository, digest, scratch);

        Assert.Contains(Recognised, result.StandardError, StringComparison.Ordinal);
    }
}
