using System.Net;
using System.Security.Cryptography;
using KanikoBuild.Testing;

namespace KanikoBuild.Registry.Tests.Shipping;

/// <summary>
/// Pushing the scanned tarball's own bytes to real registries (Debian's docker-registry), read back by skopeo and
/// pulled by the Docker engine; registries that fail half way, refuse, or serve other bytes.
/// </summary>
public class ScannedPushTests(RegistryPair registries) : IClassFixture<RegistryPair>
{
    static async Task<TestTarball> KanikoTarballAsync(TempDirectory temp, IReadOnlyList<string> repoTags, int randomBytes = 0)
    {
        var layers = new List<TestLayer>
        {
            await ImageTarballs.BusyboxLayerAsync(),
            TestLayer.Packages("COPY app/os-release app/apk-installed /", "alpine", "3.19", ("zlib", "1.3.1-r0")),
        };
        if (randomBytes > 0)
            layers.Add(new TestLayer("COPY data /data", [new ImageTarballs.BinaryFile("data", RandomNumberGenerator.GetBytes(randomBytes))]));
        return ImageTarballs.WriteKanikoLayout(temp.Combine("image.tar"), layers, repoTags, emptySteps: ["USER 65534"]);
    }

    static ScannedImagePusher Pusher() => new(spec => Clients.For(spec.Host));

    [Fact]
    public async Task Ships_kanikos_tarball_to_several_destinations_and_proves_shipped_equals_scanned()
    {
        using var temp = new TempDirectory();
        var (a, b) = (Clients.Repository("a"), Clients.Repository("b"));
        string[] destinations = [$"{registries.Dev.Host}/{a}:1.0", $"{registries.Dev.Host}/{a}:latest", $"{registries.Dev.Host}/{b}:1.0", $"{registries.Prod.Host}/{a}:1.0"];
        var written = await KanikoTarballAsync(temp, destinations);
        using var archive = await DockerArchive.OpenAsync(written.Path);

        var result = await Pusher().PushAsync(new ScannedPushRequest(archive, destinations.Select(ImageReference.Parse).ToList()));

        Assert.True(result.ShippedEqualsScanned);
        Assert.Equal(destinations, result.Proofs.Select(p => p.Destination.ToString()));
        var expected = ScannedImageManifest.Build(archive);
        Assert.Equal(expected.Digest, result.ManifestDigest);
        foreach (var proof in result.Proofs)
        {
            Assert.Equal(written.ImageId, proof.ConfigDigest);
            Assert.Equal(written.ImageId, proof.ScannedImageId);
            Assert.Equal(written.LayerDigests, proof.LayerDigests);
            Assert.Equal(expected.Digest, proof.RegistryDigest);
            Assert.Equal(expected.Digest, proof.TagDigest);
            Assert.Null(proof.PreviousTagDigest);
            // What another client reads: our manifest bytes, and the scanned config byte for byte.
            Assert.Equal(TestImages.Text(expected.Bytes), await Skopeo.RawManifestAsync(proof.Destination.ToString()));
            Assert.Equal(TestImages.Text(archive.Config), await Skopeo.RawConfigAsync(proof.Destination.ToString()));
        }
        var blobs = 1 + written.LayerDigests.Count;
        Assert.Equal((blobs, 0), (result.Proofs[0].BlobsUploaded, result.Proofs[0].BlobsMounted));
        Assert.Equal(blobs, result.Proofs[1].BlobsAlreadyPresent);
        Assert.Equal((0, blobs), (result.Proofs[2].BlobsUploaded, result.Proofs[2].BlobsMounted));
        Assert.Equal(blobs, result.Proofs[3].BlobsUploaded);

        // The Docker engine pulls it, checks every layer against the config's diff ids, and runs it.
        var pulled = await PullAsync($"{registries.Prod.Host}/{a}:1.0");
        Assert.Equal(written.ImageId, pulled.Id);
        Assert.Contains("P:zlib", pulled.Output);
    }

    [Fact]
    public async Task Ships_docker_save_output_with_its_uncompressed_layers_as_stored()
    {
        using var temp = new TempDirectory();
        var repository = Clients.Repository("saved");
        var tag = $"kanikobuild-test/altc-push-{Guid.NewGuid():N}"[..48] + ":1";
        var saved = await ImageTarballs.DockerSaveAsync(temp.Combine("saved.tar.gz"), tag, [("zlib", "1.3.1-r0")], gzipTarball: true);
        using var archive = await DockerArchive.OpenAsync(saved.Path);
        var destination = ImageReference.Parse($"{registries.Prod.Host}/{repository}:2.0");

        var result = await Pusher().PushAsync(new ScannedPushRequest(archive, [destination]));

        var proof = Assert.Single(result.Proofs);
        Assert.True(proof.ShippedEqualsScanned);
        Assert.Equal(saved.ImageId, proof.ConfigDigest);
        Assert.Equal(saved.DiffIds, proof.LayerDigests);
        var raw = await Skopeo.RawManifestAsync(destination.ToString());
        Assert.Contains("\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar\"", raw);
        Assert.DoesNotContain("rootfs.diff.tar.gzip", raw);
        var pulled = await PullAsync(destination.ToString());
        Assert.Equal(saved.ImageId, pulled.Id);
    }

    [Fact]
    public async Task Pushing_again_uploads_nothing_and_keeps_the_tags()
    {
        using var temp = new TempDirectory();
        var destination = ImageReference.Parse($"{registries.Dev.Host}/{Clients.Repository()}:1.0");
        var written = await KanikoTarballAsync(temp, [destination.ToString()]);
        using var archive = await DockerArchive.OpenAsync(written.Path);
        var request = new ScannedPushRequest(archive, [destination]);
        await Pusher().PushAsync(request);

        var again = Assert.Single((await Pusher().PushAsync(request)).Proofs);

        Assert.Equal((0, 0, 1 + written.LayerDigests.Count), (again.BlobsUploaded, again.BlobsMounted, again.BlobsAlreadyPresent));
        Assert.Null(again.PreviousTagDigest);
        Assert.True(again.ShippedEqualsScanned);
    }

    [Fact]
    public async Task A_registry_cut_off_half_way_leaves_no_tag_anywhere_and_a_rerun_finishes()
    {
        await using var proxy = new FaultyProxy(registries.Prod.Port);
        using var temp = new TempDirectory();
        var repository = Clients.Repository();
        var dev = ImageReference.Parse($"{registries.Dev.Host}/{repository}:1.0");
        var prod = ImageReference.Parse($"{proxy.Host}/{repository}:1.0");
        var written = await KanikoTarballAsync(temp, [dev.ToString()], randomBytes: 3_000_000);
        using var archive = await DockerArchive.OpenAsync(written.Path);
        proxy.DropAfterUpstreamBytes = 1_500_000;
        var request = new ScannedPushRequest(archive, [dev, prod]);

        var error = await Assert.ThrowsAsync<PipelineException>(() => Pusher().PushAsync(request));

        Assert.Contains($"Pushing the scanned image to {prod}", error.Message);
        Assert.Contains("No tag was written anywhere", error.Message);
        using var devClient = Clients.For(registries.Dev.Host);
        using var prodClient = Clients.For(registries.Prod.Host);
        Assert.Null(await devClient.GetManifestDigestAsync(repository, "1.0"));
        Assert.Null(await prodClient.GetManifestDigestAsync(repository, "1.0"));

        proxy.Heal();
        var result = await Pusher().PushAsync(request);

        Assert.True(result.ShippedEqualsScanned);
        Assert.Equal(result.ManifestDigest, await prodClient.GetManifestDigestAsync(repository, "1.0"));
    }

    [Fact]
    public async Task A_registry_that_refuses_the_manifest_leaves_no_tag_anywhere()
    {
        await using var proxy = await InterceptingProxy.StartAsync(registries.Prod.Port);
        proxy.Refuse = (method, path) => method == "PUT" && path.Contains("/manifests/sha256:", StringComparison.Ordinal)
            ? (HttpStatusCode.BadRequest, "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\"}]}")
            : null;
        using var temp = new TempDirectory();
        var repository = Clients.Repository();
        var dev = ImageReference.Parse($"{registries.Dev.Host}/{repository}:1.0");
        var written = await KanikoTarballAsync(temp, [dev.ToString()]);
        using var archive = await DockerArchive.OpenAsync(written.Path);

        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            Pusher().PushAsync(new ScannedPushRequest(archive, [dev, ImageReference.Parse($"{proxy.Host}/{repository}:1.0")])));

        Assert.Contains("MANIFEST_INVALID", error.Message);
        Assert.Contains("No tag was written anywhere", error.Message);
        Assert.True(proxy.Refused > 0);
        using var devClient = Clients.For(registries.Dev.Host);
        Assert.Null(await devClient.GetManifestDigestAsync(repository, "1.0"));
    }

    [Fact]
    public async Task A_registry_that_serves_other_bytes_than_it_stored_is_a_mismatch_and_nothing_is_tagged()
    {
        await using var proxy = await InterceptingProxy.StartAsync(registries.Prod.Port);
        proxy.Rewrite = (method, path, body) => method == "GET" && path.Contains("/manifests/sha256:", StringComparison.Ordinal)
            ? System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(body).Replace("{\"schemaVersion\"", "{ \"schemaVersion\"", StringComparison.Ordinal))
            : null;
        using var temp = new TempDirectory();
        var repository = Clients.Repository();
        var target = ImageReference.Parse($"{proxy.Host}/{repository}:1.0");
        var written = await KanikoTarballAsync(temp, [target.ToString()]);
        using var archive = await DockerArchive.OpenAsync(written.Path);

        var error = await Assert.ThrowsAsync<PipelineException>(() => Pusher().PushAsync(new ScannedPushRequest(archive, [target])));

        Assert.Contains("served different bytes", error.Message);
        Assert.Contains("No tag was written anywhere", error.Message);
        using var prodClient = Clients.For(registries.Prod.Host);
        Assert.Null(await prodClient.GetManifestDigestAsync(repository, "1.0"));
    }

    [Fact]
    public async Task A_tag_refused_in_one_registry_puts_the_tags_written_before_it_back()
    {
        await using var proxy = await InterceptingProxy.StartAsync(registries.Prod.Port);
        proxy.Refuse = (method, path) => method == "PUT" && path.EndsWith("/manifests/1.0", StringComparison.Ordinal)
            ? (HttpStatusCode.Forbidden, "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"tag is immutable\"}]}")
            : null;
        using var temp = new TempDirectory();
        var (moved, created) = (Clients.Repository("old"), Clients.Repository("new"));
        using var devClient = Clients.For(registries.Dev.Host);
        var older = await TestImages.PushImageAsync(devClient, moved, [1000], docker: true, tag: "1.0");
        ImageReference[] destinations =
        [
            ImageReference.Parse($"{registries.Dev.Host}/{moved}:1.0"),
            ImageReference.Parse($"{registries.Dev.Host}/{created}:1.0"),
            ImageReference.Parse($"{proxy.Host}/{moved}:1.0"),
        ];
        var written = await KanikoTarballAsync(temp, [destinations[0].ToString()]);
        using var archive = await DockerArchive.OpenAsync(written.Path);

        var error = await Assert.ThrowsAsync<PipelineException>(() => Pusher().PushAsync(new ScannedPushRequest(archive, destinations)));

        Assert.Contains($"Tagging {destinations[2]} failed", error.Message);
        Assert.Contains("DENIED", error.Message);
        Assert.Contains($"{destinations[0]} was put back to {Digest.Short(older.Digest)}", error.Message);
        Assert.Contains($"{destinations[1]} was new and stays", error.Message);
        Assert.Equal(older.Digest, await devClient.GetManifestDigestAsync(moved, "1.0"));
    }

    [Fact]
    public async Task Destinations_must_be_given_and_carry_no_digest()
    {
        using var temp = new TempDirectory();
        var written = await KanikoTarballAsync(temp, ["app:1"]);
        using var archive = await DockerArchive.OpenAsync(written.Path);
        var pinned = ImageReference.Parse($"{registries.Dev.Host}/app@sha256:{new string('a', 64)}");

        Assert.Contains("names a digest", (await Assert.ThrowsAsync<PipelineException>(() => Pusher().PushAsync(new ScannedPushRequest(archive, [pinned])))).Message);
        Assert.Contains("at least one destination", (await Assert.ThrowsAsync<PipelineException>(() => Pusher().PushAsync(new ScannedPushRequest(archive, [])))).Message);
    }

    sealed record Pulled(string Id, string Output);

    /// <summary>docker pull, inspect and run (as root, to read the package database), then removes what it pulled.</summary>
    static async Task<Pulled> PullAsync(string reference)
    {
        await DockerEngine.RequireAsync();
        await Shell.RunCheckedAsync(DockerEngine.Cli, ["pull", "-q", reference]);
        try
        {
            var id = (await Shell.RunCheckedAsync(DockerEngine.Cli, ["image", "inspect", "--format", "{{.Id}}", reference])).Trim();
            var output = await Shell.RunCheckedAsync(DockerEngine.Cli, ["run", "--rm", "--network", "host", "--user", "0", reference, "cat", "/lib/apk/db/installed"]);
            return new Pulled(id, output);
        }
        finally
        {
            await Shell.RunAsync(DockerEngine.Cli, ["rmi", reference]);
        }
    }
}
