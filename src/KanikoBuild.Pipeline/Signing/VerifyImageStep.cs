using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Registry;
using KanikoBuild.Signing;
using Serilog;

namespace KanikoBuild.Pipeline.Signing;

/// <summary>
/// For release managers and deploy jobs: checks that a digest in the production registry carries a signature by the
/// key (<c>--verify-key</c>) over exactly that digest and repository, whose verdict passed. Succeeds only then;
/// otherwise it fails with the verifier's reason (skopeo's words). The attestation, when present, is checked too.
/// </summary>
public static class VerifyImageStep
{
    public static async Task<SignatureVerification> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var inputs = await run.InputsForAsync(PipelineTargets.VerifyImage, ct).ConfigureAwait(false);
        var key = inputs.Signing.VerifyKey
            ?? throw new PipelineException($"VerifyImage needs the public key: pass {ParameterName.Of<SigningOptions>(nameof(SigningOptions.VerifyKeyPath))}.");
        var registry = run.Options.Registries.Prod
            ?? throw new PipelineException($"VerifyImage checks an image in the production registry: pass {ParameterName.Of<RegistryOptions>(nameof(RegistryOptions.Prod))}.");
        var image = run.Options.Image;
        if (string.IsNullOrWhiteSpace(image.Name))
            throw new PipelineException($"VerifyImage needs the image: pass {ParameterName.Of<ImageOptions>(nameof(ImageOptions.Name))}.");
        var repository = registry.Repository(image.Name.Trim());
        using var client = inputs.Logins.ClientFor(registry);
        var digest = image.Digest ?? await DigestOfTagAsync(client, repository, image.Tag, ct).ConfigureAwait(false);
        var target = new RegistryRepository(client, repository);
        var verification = await new SignatureVerifier(key).VerifyAsync(target, digest, ct).ConfigureAwait(false);
        if (!verification.IsAccepted || verification.Verdict is not { Passed: true })
            throw new PipelineException($"{target.Name}@{digest.Value} is not verified: {verification.Message}. Deploy only digests that Promote or ReleaseBuild signed with --signing-key.");
        Log.Information("{Message:l}", verification.Message);
        var attestation = await new AttestationVerifier(key).VerifyAsync(target, digest, ct: ct).ConfigureAwait(false);
        Log.Information("Attestation: {Message:l}", attestation.Message);
        return verification;
    }

    static async Task<Digest> DigestOfTagAsync(RegistryClient client, string repository, string? tag, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(tag))
            throw new PipelineException($"VerifyImage checks one digest: pass {ParameterName.Of<ImageOptions>(nameof(ImageOptions.Digest))} sha256:…, or {ParameterName.Of<ImageOptions>(nameof(ImageOptions.Tag))} to check the digest it names now.");
        var found = await client.GetManifestDigestAsync(repository, tag.Trim(), ct).ConfigureAwait(false);
        return Digest.TryParse(found, out var digest)
            ? digest
            : throw new PipelineException($"{client.Registry.Host}/{repository}:{tag} does not exist, so there is nothing to verify.");
    }
}
