namespace KanikoBuild.Registry.Tests;

/// <summary>Promotion between two real docker-registry instances, and between two prefixes of one.</summary>
public class PromotionTests(RegistryPair registries) : IClassFixture<RegistryPair>
{
    static readonly int[] s_layers = [1_500_000, 600_000, 40_000];

    [Fact]
    public async Task Cross_registry_copy_keeps_the_exact_bytes_and_tags_last()
    {
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(registries.Prod.Host);
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(dev, $"dev/{repo}", s_layers);

        var progress = new Collector();
        var result = await new Promoter(dev, prod).PromoteAsync(new PromotionRequest($"dev/{repo}", image.Digest, $"prod/{repo}") { Tags = ["1.0", "latest"] }, progress);

        Assert.Equal(image.Digest, result.Digest);
        var last = progress.Reports[^1];
        Assert.Equal((4, 4, image.Blobs.Sum(b => b.Size)), (last.BlobsDone, last.BlobsTotal, last.BytesDone));
        Assert.Equal(4, result.BlobsTotal);
        Assert.Equal(4, result.BlobsUploaded);
        Assert.Equal(image.Blobs.Sum(b => b.Size), result.BytesUploaded);
        Assert.Equal(["1.0", "latest"], result.TagsApplied);
        var copied = await prod.GetManifestAsync($"prod/{repo}", "1.0");
        Assert.Equal(image.Manifest.Bytes.ToArray(), copied.Bytes.ToArray());
        Assert.Equal(MediaTypes.OciManifest, copied.MediaType);
        foreach (var blob in image.Blobs)
            Assert.True(await prod.BlobExistsAsync($"prod/{repo}", blob.Digest));
        // Another client sees the same bytes under the tag and the digest.
        Assert.Equal(TestImages.Text(image.Manifest.Bytes), await Skopeo.RawManifestAsync($"{registries.Prod.Host}/prod/{repo}:latest"));
        Assert.Equal(TestImages.Text(image.Manifest.Bytes), await Skopeo.RawManifestAsync($"{registries.Prod.Host}/prod/{repo}@{image.Digest}"));
    }

    [Fact]
    public async Task Same_registry_promotion_mounts_every_blob_and_uploads_nothing()
    {
        await using var proxy = new FaultyProxy(registries.Dev.Port);
        using var dev = Clients.For($"{proxy.Host}/dev");
        using var prod = Clients.For($"{proxy.Host}/prod");
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(dev, $"dev/{repo}", s_layers);
        var before = proxy.UpstreamBytes;

        var result = await new Promoter(dev, prod).PromoteAsync(new PromotionRequest($"dev/{repo}", image.Digest, $"prod/{repo}") { Tags = ["1.0"] });

        Assert.Equal(4, result.BlobsMounted);
        Assert.Equal(0, result.BlobsUploaded);
        Assert.Equal(0, result.BytesUploaded);
        Assert.Equal(0, prod.BytesUploaded);
        // What crossed the wire: requests and the manifest twice, nowhere near the 2 MB of layers.
        Assert.InRange(proxy.UpstreamBytes - before, 1, 32_000);
        Assert.Equal(image.Digest, await prod.GetManifestDigestAsync($"prod/{repo}", "1.0"));
        Assert.Equal(TestImages.Text(image.Manifest.Bytes), await Skopeo.RawManifestAsync($"{registries.Dev.Host}/prod/{repo}:1.0"));
    }

    [Fact]
    public async Task Blobs_already_in_the_destination_are_not_sent_again()
    {
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(registries.Prod.Host);
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(dev, repo, s_layers);
        var present = image.Layers.Take(2).ToList();
        await TestImages.PushBlobsAsync(prod, repo, present);
        var uploadedBefore = prod.BytesUploaded;

        var result = await new Promoter(dev, prod).PromoteAsync(new PromotionRequest(repo, image.Digest, repo) { Tags = ["1.0"] });

        Assert.Equal(2, result.BlobsAlreadyPresent);
        Assert.Equal(2, result.BlobsUploaded);
        var expected = image.Blobs.Sum(b => b.Size) - present.Sum(b => b.Size);
        Assert.Equal(expected, result.BytesUploaded);
        Assert.Equal(expected, prod.BytesUploaded - uploadedBefore);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_index_is_copied_with_every_platform(bool docker)
    {
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(registries.Prod.Host);
        var repo = Clients.Repository();
        var index = await TestImages.PushIndexAsync(dev, repo, docker);

        var result = await new Promoter(dev, prod).PromoteAsync(new PromotionRequest(repo, index.Digest, repo) { Tags = ["multi"] });

        Assert.Equal(3, result.Manifests);
        Assert.Equal(5, result.BlobsTotal); // one layer is shared by both platforms
        Assert.Equal(docker ? MediaTypes.DockerManifestList : MediaTypes.OciIndex, result.MediaType);
        Assert.Equal(TestImages.Text(index.Manifest.Bytes), await Skopeo.RawManifestAsync($"{registries.Prod.Host}/{repo}:multi"));
        foreach (var child in index.Children)
            Assert.Equal(TestImages.Text(child.Bytes), await Skopeo.RawManifestAsync($"{registries.Prod.Host}/{repo}@{child.Digest}"));

        // What other parts read: the config digest (image ID) and layers of a platform.
        var reference = ImageReference.Parse($"{registries.Prod.Host}/{repo}:multi");
        Assert.Equal(index.Children[0].Config!.Digest, await prod.GetConfigDigestAsync(reference));
        Assert.Equal(index.Children[1].Layers.Select(l => l.Digest), await prod.GetLayerDigestsAsync(reference, Platform.Parse("linux/arm64")));
        await Assert.ThrowsAsync<PipelineException>(() => prod.GetConfigDigestAsync(reference, Platform.Parse("linux/s390x")));
    }

    [Fact]
    public async Task A_tag_on_another_image_stops_the_promotion_before_anything_is_copied()
    {
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(registries.Prod.Host);
        var repo = Clients.Repository();
        var released = await TestImages.PushImageAsync(prod, repo, [1000], tag: "1.0");
        var candidate = await TestImages.PushImageAsync(dev, repo, [2000, 3000]);
        var promoter = new Promoter(dev, prod);

        var error = await Assert.ThrowsAsync<PipelineException>(() => promoter.PromoteAsync(new PromotionRequest(repo, candidate.Digest, repo) { Tags = ["1.1", "1.0"] }));

        Assert.Contains("1.0", error.Message);
        Assert.Contains("--overwrite-tags", error.Message);
        Assert.Equal(released.Digest, await prod.GetManifestDigestAsync(repo, "1.0"));
        Assert.Null(await prod.GetManifestDigestAsync(repo, "1.1"));
        Assert.Null(await prod.GetManifestDigestAsync(repo, candidate.Digest));
        foreach (var blob in candidate.Layers)
            Assert.False(await prod.BlobExistsAsync(repo, blob.Digest));

        var result = await promoter.PromoteAsync(new PromotionRequest(repo, candidate.Digest, repo) { Tags = ["1.1", "1.0"], OverwriteTags = true });

        Assert.Equal(["1.1", "1.0"], result.TagsApplied);
        Assert.Equal(candidate.Digest, await prod.GetManifestDigestAsync(repo, "1.0"));
    }

    [Fact]
    public async Task A_rerun_finds_the_image_and_changes_nothing()
    {
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(registries.Prod.Host);
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(dev, repo, s_layers);
        var request = new PromotionRequest(repo, image.Digest, repo) { Tags = ["1.0"] };
        await new Promoter(dev, prod).PromoteAsync(request);
        var uploaded = prod.BytesUploaded;

        var again = await new Promoter(dev, prod).PromoteAsync(request with { Tags = ["1.0", "stable"] });

        Assert.True(again.ManifestWasPresent);
        Assert.Equal(0, again.BytesUploaded);
        Assert.Equal(uploaded, prod.BytesUploaded);
        Assert.Equal(["1.0"], again.TagsAlreadyInPlace);
        Assert.Equal(["stable"], again.TagsApplied);
    }

    [Fact]
    public async Task Chunked_uploads_reach_the_same_digest()
    {
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(registries.Prod.Host, Clients.Options() with { UploadMode = UploadMode.Chunked, ChunkSize = 256 * 1024 });
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(dev, repo, s_layers, docker: true);

        var result = await new Promoter(dev, prod).PromoteAsync(new PromotionRequest(repo, image.Digest, repo) { Tags = ["chunked"] });

        Assert.Equal(4, result.BlobsUploaded);
        Assert.Equal(TestImages.Text(image.Manifest.Bytes), await Skopeo.RawManifestAsync($"{registries.Prod.Host}/{repo}:chunked"));
    }

    [Fact]
    public async Task A_digest_the_source_does_not_have_is_a_clear_error()
    {
        using var dev = Clients.For(registries.Dev.Host);
        using var prod = Clients.For(registries.Prod.Host);
        var missing = "sha256:" + new string('0', 64);
        var error = await Assert.ThrowsAsync<RegistryException>(() => new Promoter(dev, prod).PromoteAsync(new PromotionRequest("nothing/here", missing, "nothing/here") { Tags = ["x"] }));
        Assert.Contains("does not exist", error.Message);
    }
}

/// <summary>Keeps every report, synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
sealed class Collector : IProgress<PromotionProgress>
{
    readonly List<PromotionProgress> _reports = [];
    public IReadOnlyList<PromotionProgress> Reports { get { lock (_reports) return _reports.ToList(); } }
    public void Report(PromotionProgress value) { lock (_reports) _reports.Add(value); }
}
