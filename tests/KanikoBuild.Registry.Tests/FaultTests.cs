namespace KanikoBuild.Registry.Tests;

/// <summary>Registries that fail half way, corrupt content, or refuse for a while.</summary>
public class FaultTests(RegistryPair registries) : IClassFixture<RegistryPair>
{
    [Fact]
    public async Task A_connection_cut_mid_copy_leaves_no_tag_and_a_rerun_finishes()
    {
        await using var proxy = new FaultyProxy(registries.Prod.Port);
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(proxy.Host);
        using var direct = Clients.For(registries.Prod.Host);
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(dev, repo, [2_000_000, 1_000_000, 500_000, 20_000]);
        await prod.PingAsync();
        proxy.DropAfterUpstreamBytes = proxy.UpstreamBytes + 1_200_000;
        var request = new PromotionRequest(repo, image.Digest, repo) { Tags = ["1.0"], Parallelism = 2 };

        var error = await Assert.ThrowsAsync<PipelineException>(() => new Promoter(dev, prod).PromoteAsync(request));

        Assert.Contains("run Promote again", error.Message);
        Assert.Null(await direct.GetManifestDigestAsync(repo, "1.0"));
        Assert.Null(await direct.GetManifestDigestAsync(repo, image.Digest));

        proxy.Heal();
        var result = await new Promoter(dev, prod).PromoteAsync(request);

        Assert.Equal(["1.0"], result.TagsApplied);
        Assert.Equal(image.Digest, await direct.GetManifestDigestAsync(repo, "1.0"));
        Assert.Equal(TestImages.Text(image.Manifest.Bytes), await Skopeo.RawManifestAsync($"{registries.Prod.Host}/{repo}:1.0"));
    }

    [Fact]
    public async Task A_corrupted_blob_is_detected_and_never_lands()
    {
        await using var proxy = new FaultyProxy(registries.Dev.Port);
        using var seed = Clients.For(registries.Dev.Host);
        using var dev = Clients.For(proxy.Host);
        using var prod = Clients.For(registries.Prod.Host);
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(seed, repo, [3_000_000, 10_000]);
        // One connection serves the ping, the manifest and then the large layer: offset 2 MB is inside that layer.
        proxy.CorruptResponseByteAt = 2_000_000;

        var error = await Assert.ThrowsAsync<BlobDigestMismatchException>(() =>
            new Promoter(dev, prod).PromoteAsync(new PromotionRequest(repo, image.Digest, repo) { Tags = ["1.0"], Parallelism = 1 }));

        Assert.True(proxy.Corrupted);
        var large = image.Layers.First();
        Assert.Contains(large.Digest, error.Message);
        Assert.False(await prod.BlobExistsAsync(repo, large.Digest));
        Assert.Null(await prod.GetManifestDigestAsync(repo, "1.0"));
        Assert.Null(await prod.GetManifestDigestAsync(repo, image.Digest));
    }

    [Theory]
    [InlineData("503 Service Unavailable", "")]
    [InlineData("429 Too Many Requests", "Retry-After: 0\r\n")]
    public async Task Transient_refusals_are_retried(string statusLine, string headers)
    {
        await using var proxy = new FaultyProxy(registries.Prod.Port) { RejectFirstConnections = (3, statusLine, headers) };
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(proxy.Host, Clients.Options() with { MaxRetries = 4 });
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(dev, repo, [100_000]);

        var result = await new Promoter(dev, prod).PromoteAsync(new PromotionRequest(repo, image.Digest, repo) { Tags = ["1.0"] });

        Assert.True(proxy.Rejected >= 3);
        Assert.Equal(["1.0"], result.TagsApplied);
    }

    [Fact]
    public async Task A_stopped_registry_is_one_clear_error()
    {
        var stopped = await KanikoBuild.Testing.Registry.StartAsync();
        var host = stopped.Host;
        await stopped.DisposeAsync();
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(host);
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(dev, repo, [1000]);

        var error = await Assert.ThrowsAsync<PipelineException>(() => new Promoter(dev, prod).PromoteAsync(new PromotionRequest(repo, image.Digest, repo) { Tags = ["1.0"] }));

        Assert.Contains($"registry {host} is not reachable", error.Message);
    }
}
