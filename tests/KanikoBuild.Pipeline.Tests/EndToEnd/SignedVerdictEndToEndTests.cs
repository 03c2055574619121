using System.Text;
using System.Text.Json;
using KanikoBuild.Registry;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// Signed verdicts through the build's own command line: <c>Promote --signing-key</c> leaves a production signature
/// that OpenSSL verifies over the uploaded payload and Debian's skopeo finds and recognises (its verification is
/// patched out: signing.md §0), an unsigned production image skopeo refuses, <c>VerifyImage</c> accepting the
/// signature and refusing one by another key or over another digest; and the key and its password nowhere.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SignedVerdictEndToEndTests(PipelineWorld world) : IDisposable
{
    const string PasswordVariable = "SIGNING_KEY_PASSWORD";

    // Kept outside the build's root, so every file under the root can be searched for the key.
    readonly TempDirectory _keys = new("kanikobuild-e2e-keys-");
    readonly string _password = "canary-signing-" + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(PasswordVariable, null);
        _keys.Dispose();
    }

    static string OpenSsl => Peer.RequireExecutable("openssl", "openssl");

    async Task<(string Key, string Public)> KeyPairAsync(string name, string? password)
    {
        var key = _keys.Combine(name + ".key");
        var pub = _keys.Combine(name + ".pub");
        string[] generate = ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key];
        if (password is null)
            await Shell.RunCheckedAsync(OpenSsl, generate);
        else
            await Shell.RunCheckedAsync(OpenSsl, [.. generate, "-aes-256-cbc", "-pass", $"env:{PasswordVariable}"], environment: new Dictionary<string, string> { [PasswordVariable] = password });
        string[] extract = ["pkey", "-in", key, "-pubout", "-out", pub];
        if (password is null)
            await Shell.RunCheckedAsync(OpenSsl, extract);
        else
            await Shell.RunCheckedAsync(OpenSsl, [.. extract, "-passin", $"env:{PasswordVariable}"], environment: new Dictionary<string, string> { [PasswordVariable] = password });
        return (key, pub);
    }

    /// <summary>The build with the signing key's password in its environment, as a CI secret reaches it (never the command line).</summary>
    readonly List<(string Where, string Text)> _inspections = [];

    async Task<BuildRun> RunSignedAsync(params string[] arguments)
    {
        // The world's runner passes this process's environment on; the collection runs its tests one at a time.
        Environment.SetEnvironmentVariable(PasswordVariable, _password);
        try
        {
            // Every executor container of the run is inspected as it is created, for the canary check below.
            await using var watch = await KanikoContainerWatch.StartAsync(world.KanikoImage);
            var run = await world.RunAsync(PreflightEndToEndTests.With(arguments, ("--kaniko-image", watch.Image)));
            await watch.DisposeAsync();
            Assert.Equal(watch.ContainersCreated, watch.Inspections.Count);
            foreach (var (id, inspection) in watch.Inspections)
                _inspections.Add(($"docker inspect {id[..12]}", inspection ?? ""));
            return run;
        }
        finally
        {
            Environment.SetEnvironmentVariable(PasswordVariable, null);
        }
    }

    async Task<Shell.Result> SkopeoCopyAsync(string repository, string digest, string publicKey)
    {
        var skopeo = Peer.RequireExecutable("skopeo", "skopeo");
        var scratch = _keys.Combine("skopeo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(scratch, "registries.d"));
        var policy = Path.Combine(scratch, "policy.json");
        await File.WriteAllTextAsync(policy, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["default"] = new[] { new { type = "reject" } },
            ["transports"] = new Dictionary<string, object>
            {
                ["docker"] = new Dictionary<string, object>
                {
                    [$"{world.Prod.Host}/{repository}"] = new[] { new { type = "sigstoreSigned", keyPath = publicKey, signedIdentity = new { type = "matchRepository" } } },
                },
                ["dir"] = new Dictionary<string, object> { [""] = new[] { new { type = "insecureAcceptAnything" } } },
            },
        }));
        await File.WriteAllTextAsync(Path.Combine(scratch, "registries.d", "local.yaml"), $"docker:\n  {world.Prod.Host}:\n    use-sigstore-attachments: true\n");
        // Production sits behind token auth; skopeo logs in from an auth file (outside the build's root), never its command line.
        var auth = Path.Combine(scratch, "auth.json");
        var login = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{PipelineWorld.RegistryUser}:{world.ProdRegistryPassword}"));
        await File.WriteAllTextAsync(auth, JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [world.Prod.Host] = new { auth = login } } }));
        return await Shell.RunAsync(skopeo, ["--policy", policy, "--registries.d", Path.Combine(scratch, "registries.d"),
            "copy", "--src-tls-verify=false", "--src-authfile", auth, $"docker://{world.Prod.Host}/{repository}@{digest}", $"dir:{Path.Combine(scratch, "out")}"]);
    }

    [Fact]
    public async Task Promote_with_a_signing_key_leaves_a_signature_openssl_verifies_skopeo_recognises_and_VerifyImage_checks()
    {
        var (key, pub) = await KeyPairAsync("signing", _password);
        var (_, otherPub) = await KeyPairAsync("other", null);

        var signed = await RunSignedAsync(["Promote", .. world.SampleArguments("app", "signed"), "--signing-key", key]);
        Assert.True(signed.ExitCode == 0, signed.ToString());
        using var prod = world.Client(world.Prod);
        var digest = await prod.GetManifestDigestAsync("prod/samples/app", "signed");
        Assert.NotNull(digest);

        // The signature tag, and at least one layer signed for production whose payload OpenSSL verifies.
        var sigTag = "sha256-" + digest["sha256:".Length..] + ".sig";
        var manifest = await prod.FindManifestAsync("prod/samples/app", sigTag);
        Assert.NotNull(manifest);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", manifest.MediaType);
        using var document = JsonDocument.Parse(manifest.Bytes);
        var productionPayloads = 0;
        foreach (var layer in document.RootElement.GetProperty("layers").EnumerateArray())
        {
            Assert.Equal("application/vnd.dev.cosign.simplesigning.v1+json", layer.GetProperty("mediaType").GetString());
            var payload = await prod.ReadBlobAsync("prod/samples/app", layer.GetProperty("digest").GetString()!, 1 << 20);
            var signature = Convert.FromBase64String(layer.GetProperty("annotations").GetProperty("dev.cosignproject.cosign/signature").GetString()!);
            var payloadFile = _keys.Combine(Guid.NewGuid().ToString("N") + ".json");
            var signatureFile = payloadFile + ".sig";
            await File.WriteAllBytesAsync(payloadFile, payload);
            await File.WriteAllBytesAsync(signatureFile, signature);
            var verified = await Shell.RunAsync(OpenSsl, ["dgst", "-sha256", "-verify", pub, "-signature", signatureFile, payloadFile]);
            Assert.True(verified.ExitCode == 0 && verified.StandardOutput.Contains("Verified OK", StringComparison.Ordinal), verified.StandardOutput + verified.StandardError);
            var text = Encoding.UTF8.GetString(payload);
            Assert.Contains($"\"docker-manifest-digest\":\"{digest}\"", text);
            Assert.Contains("\"dev.kanikobuild.verdict/passed\":\"true\"", text);
            Assert.Contains("\"dev.kanikobuild.verdict/policy-digest\":\"sha256:", text);
            if (text.Contains($"\"docker-reference\":\"{world.Prod.Host}/prod/samples/app\"", StringComparison.Ordinal))
                productionPayloads++;
        }
        Assert.Equal(1, productionPayloads);
        // The full result rides along as the vuln attestation.
        Assert.NotNull(await prod.FindManifestAsync("prod/samples/app", "sha256-" + digest["sha256:".Length..] + ".att"));

        // Debian's skopeo finds and recognises it; only its verification is patched out.
        var skopeoSigned = await SkopeoCopyAsync("prod/samples/app", digest, pub);
        Assert.Contains("Debian-local change: sigstore disabled", skopeoSigned.StandardError + skopeoSigned.StandardOutput);

        // An image promoted without a key has no signature in production, and skopeo says so.
        var unsigned = await world.RunAsync(["Promote", .. world.SampleArguments("app", "unsigned"), "--image", "samples/app-unsigned"]);
        Assert.True(unsigned.ExitCode == 0, unsigned.ToString());
        var unsignedDigest = await prod.GetManifestDigestAsync("prod/samples/app-unsigned", "unsigned");
        Assert.NotNull(unsignedDigest);
        var skopeoUnsigned = await SkopeoCopyAsync("prod/samples/app-unsigned", unsignedDigest, pub);
        Assert.NotEqual(0, skopeoUnsigned.ExitCode);
        Assert.Contains("no signature exists", skopeoUnsigned.StandardError + skopeoUnsigned.StandardOutput);

        string[] verify = ["VerifyImage", "--prod-registry", $"{world.Prod.Host}/prod", "--image", "samples/app"];
        var accepted = await world.RunAsync([.. verify, "--image-digest", digest, "--verify-key", pub]);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("verdict passed=true", accepted.Output);

        var otherKey = await world.RunAsync([.. verify, "--image-digest", digest, "--verify-key", otherPub]);
        Assert.NotEqual(0, otherKey.ExitCode);
        Assert.Contains("cryptographic signature verification failed", otherKey.Output);

        // The production signature of one digest moved to another digest's tag: its payload names the first.
        var otherDigest = await LocalPeers.BaseImage.PushBusyboxAsync(prod, "prod/samples/app", "not-scanned", default);
        await prod.PutManifestAsync("prod/samples/app", "sha256-" + Digest.Parse(otherDigest, "digest").Value["sha256:".Length..] + ".sig", manifest.Bytes, manifest.MediaType);
        var moved = await world.RunAsync([.. verify, "--image-digest", otherDigest, "--verify-key", pub]);
        Assert.NotEqual(0, moved.ExitCode);
        Assert.Contains($"Signature for digest {digest} does not match", moved.Output);

        var none = await world.RunAsync(["VerifyImage", "--prod-registry", $"{world.Prod.Host}/prod", "--image", "samples/app-unsigned", "--image-digest", unsignedDigest, "--verify-key", pub]);
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("no signature exists", none.Output);

        await AssertKeyAppearsNowhereAsync(key, [signed, unsigned, accepted, otherKey, moved, none]);
    }

    [Fact]
    public async Task A_later_job_promotes_on_the_signed_verdict_AwaitScan_left_on_the_dev_digest()
    {
        var (key, pub) = await KeyPairAsync("handover", _password);
        var scanned = await RunSignedAsync(["AwaitScan", .. world.SampleArguments("app", "signed-later"), "--signing-key", key]);
        Assert.True(scanned.ExitCode == 0, scanned.ToString());
        var digest = (await File.ReadAllTextAsync(world.Root.Combine(".nuke", "temp", "pushdev", "digest"))).Trim();

        // Another job: no scan here, but the dev digest carries a passing verdict signed by the key.
        var promoted = await world.RunAsync(["Promote", "--skip", "AwaitScan", .. world.SampleArguments("app", "signed-later"), "--image-digest", digest, "--verify-key", pub]);
        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        using var prod = world.Client(world.Prod);
        Assert.Equal(digest, await prod.GetManifestDigestAsync("prod/samples/app", "signed-later"));
        // The dev signature came along.
        Assert.NotNull(await prod.FindManifestAsync("prod/samples/app", "sha256-" + digest["sha256:".Length..] + ".sig"));
    }

    async Task AssertKeyAppearsNowhereAsync(string keyFile, IEnumerable<BuildRun> runs)
    {
        var canaries = (await File.ReadAllLinesAsync(keyFile)).Where(l => l.Length >= 16 && !l.StartsWith("-----", StringComparison.Ordinal)).Append(_password).ToList();
        var places = runs.Select((r, i) => ($"log of run {i + 1}", r.Output)).ToList();
        Assert.NotEmpty(_inspections);
        places.AddRange(_inspections);
        foreach (var file in Directory.GetFiles(world.Root.Path, "*", SearchOption.AllDirectories))
            places.Add((file, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file))));
        foreach (var registry in new[] { world.Dev, world.Prod })
        {
            foreach (var blob in Directory.GetFiles(Path.Combine(registry.StorageDirectory, "data"), "data", SearchOption.AllDirectories))
                places.Add(($"blob {blob}", await PipelineEndToEndTests.BlobTextAsync(blob)));
        }
        foreach (var (where, text) in places)
        {
            foreach (var canary in canaries)
                Assert.False(text.Contains(canary, StringComparison.Ordinal), $"the signing key or its password leaked into {where}");
        }
    }
}
