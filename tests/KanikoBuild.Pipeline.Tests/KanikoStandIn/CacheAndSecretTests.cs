using System.IO.Compression;
using System.Text;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>The layer cache the pipeline relies on ("the release build reuses the scanned layers"), and build secrets.</summary>
[Collection(StandInCollection.Name)]
public sealed class CacheAndSecretTests(StandInFixture fixture)
{
    [Fact]
    public async Task SecondCachedBuild_ReusesTheExactLayersOfTheFirst()
    {
        using var context = new TempDirectory();
        context.Write("app.txt", "app\n");
        // Each RUN stamps the time: run again, it would make a different layer.
        context.Write("Dockerfile", $"""
            FROM {fixture.BaseImage}
            ARG VERSION=1
            RUN date +%s%N > /stamp-1 && echo "$VERSION" > /version
            RUN sleep 1
            COPY app.txt /app/app.txt
            RUN date +%s%N > /app/stamp-2
            """);
        var cacheRepo = $"{fixture.Registry.Host}/cache-reuse/cache";
        // --cache-copy-layers too: a re-run COPY makes new bytes (its parent directories' mtimes), a cached one does not.
        string[] Args(string tag) => ["--destination", $"{fixture.Registry.Host}/cache-reuse:{tag}", "--cache=true", $"--cache-repo={cacheRepo}", "--cache-copy-layers"];

        var first = await fixture.RunAsync(context.Path, Args("1"));
        var second = await fixture.RunAsync(context.Path, Args("2"));

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("No cached layer found for cmd RUN date +%s%N > /stamp-1", first.Output);
        Assert.Contains($"Pushing layer {cacheRepo}:", first.Output);
        Assert.Contains("Using caching version of cmd: RUN date +%s%N > /stamp-1 && echo \"$VERSION\" > /version", second.Output);
        // A step that changes no file is cached too, so the lookups go on past it.
        Assert.Contains("Using caching version of cmd: RUN sleep 1", second.Output);
        Assert.Contains("Using caching version of cmd: COPY app.txt /app/app.txt", second.Output);
        Assert.Contains("Using caching version of cmd: RUN date +%s%N > /app/stamp-2", second.Output);
        Assert.Equal((await fixture.InspectAsync($"{fixture.Registry.Host}/cache-reuse:1")).Layers, (await fixture.InspectAsync($"{fixture.Registry.Host}/cache-reuse:2")).Layers);

        // A changed build-arg value is part of the RUN key: a miss, and no lookups after it in that stage.
        var third = await fixture.RunAsync(context.Path, [.. Args("3"), "--build-arg", "VERSION=2"]);
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Contains("No cached layer found for cmd RUN date +%s%N > /stamp-1", third.Output);
        Assert.DoesNotContain("Using caching version", third.Output);
        var layers1 = (await fixture.InspectAsync($"{fixture.Registry.Host}/cache-reuse:1")).Layers;
        var layers3 = (await fixture.InspectAsync($"{fixture.Registry.Host}/cache-reuse:3")).Layers;
        Assert.Equal(layers1[0], layers3[0]);
        Assert.NotEqual(layers1[1], layers3[1]);
    }

    [Fact]
    public async Task CachedBuildWithNoPush_PushesOnlyTheCache_AndNeedsACacheRepo()
    {
        using var context = new TempDirectory();
        context.Write("Dockerfile", $"""
            FROM {fixture.BaseImage}
            RUN echo scanned > /scanned.txt
            """);
        var cacheRepo = $"{fixture.Registry.Host}/nopush/cache";

        var refused = await fixture.RunAsync(context.Path, ["--no-push", "--cache"]);
        var build = await fixture.RunAsync(context.Path, ["--no-push", "--cache", $"--cache-repo={cacheRepo}"]);
        var release = await fixture.RunAsync(context.Path, ["--destination", $"{fixture.Registry.Host}/nopush:1", "--cache", $"--cache-repo={cacheRepo}"]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("if using cache with --no-push, specify cache repo with --cache-repo", refused.Output);
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(release.ExitCode == 0, release.ToString());
        Assert.Contains("Using caching version of cmd: RUN echo scanned > /scanned.txt", release.Output);
    }

    [Fact]
    public async Task SecretMount_IsReadableInTheRun_AndInNoLayerHistoryOrCacheEntry()
    {
        const string canary = "canary-secret-5f1e9c7d";
        // The Dockerfile holds only the hash: a literal secret in a RUN line would rightly land in the history.
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(canary))).ToLowerInvariant();
        using var context = new TempDirectory();
        using var secrets = new TempDirectory();
        secrets.Write("token", canary);
        context.Write("Dockerfile", $"""
            FROM {fixture.BaseImage}
            RUN --mount=type=secret,id=token test "$(sha256sum < /run/secrets/token | cut -d' ' -f1)" = "{hash}" && echo file-ok > /proof-file
            RUN --mount=type=secret,id=token,env=TOKEN,required test "$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)" = "{hash}" && echo env-ok > /proof-env
            RUN --mount=type=secret,id=token,target=/root/.token cat /root/.token | wc -c > /proof-length
            """);
        var destination = $"{fixture.Registry.Host}/secret-app:1";

        var run = await fixture.RunAsync(context.Path,
            ["--destination", destination, "--cache", $"--cache-repo={fixture.Registry.Host}/secret-app/cache", "--secret", "id=token,src=/kaniko/secret-src/token"],
            [(secrets.Path, "/kaniko/secret-src:ro")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain(canary, run.Output);
        var proof = await fixture.RunPulledAsync(destination, "sh", "-c", "cat /proof-file /proof-env /proof-length; ls /run/secrets /root/.token 2>&1");
        Assert.Contains("file-ok\nenv-ok\n", proof.StandardOutput);
        Assert.Contains($"{canary.Length}\n", proof.StandardOutput);
        Assert.Contains("No such file or directory", proof.StandardOutput);
        Assert.True(await fixture.ExistsAsync($"{fixture.Registry.Host}/secret-app:1"));
        // Every blob the registry stores (manifests, configs with history, layers of the image and of the cache), decompressed.
        var blobs = Directory.GetFiles(fixture.Registry.StorageDirectory, "data", SearchOption.AllDirectories);
        Assert.NotEmpty(blobs);
        foreach (var blob in blobs)
            Assert.False(Contains(blob, canary), $"the secret is in {blob}");
    }

    [Fact]
    public async Task RequiredSecret_Missing_FailsTheBuild()
    {
        using var context = new TempDirectory();
        context.Write("Dockerfile", $"""
            FROM {fixture.BaseImage}
            RUN --mount=type=secret,id=absent,required=true cat /run/secrets/absent
            """);

        var run = await fixture.RunAsync(context.Path, ["--no-push"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("secret absent: not provided", run.Output);
    }

    static bool Contains(string path, string needle)
    {
        var bytes = File.ReadAllBytes(path);
        if (Encoding.Latin1.GetString(bytes).Contains(needle, StringComparison.Ordinal))
            return true;
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
            return false;
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return Encoding.Latin1.GetString(plain.ToArray()).Contains(needle, StringComparison.Ordinal);
    }
}
