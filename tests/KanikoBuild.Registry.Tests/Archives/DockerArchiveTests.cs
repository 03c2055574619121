using System.Security.Cryptography;
using KanikoBuild.Testing;

namespace KanikoBuild.Registry.Tests.Archives;

/// <summary>Reading docker-save tarballs: kaniko's --tar-path layout (kaniko.md §8) and real docker save output.</summary>
public class DockerArchiveTests
{
    static readonly TestLayer[] s_layers =
    [
        TestLayer.Packages("COPY os-release apk-db /", "alpine", "3.19", ("zlib", "1.3.1-r0"), ("busybox", "1.36.1-r15")),
        new("RUN echo hello > /hello", [new LayerEntry.File("hello", "hello\n")]),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reads_kanikos_layout_plain_or_gzipped(bool gzipped)
    {
        using var temp = new TempDirectory();
        var written = ImageTarballs.WriteKanikoLayout(temp.Combine("image.tar"), s_layers, ["registry.example.com/team/app:1.0", "registry.example.com/team/app:latest"],
            gzipTarball: gzipped, emptySteps: ["ENV A=b", "USER 65534"]);
        var work = temp.Combine("work");

        using (var archive = await DockerArchive.OpenAsync(written.Path, temporaryRoot: work))
        {
            Assert.Equal(gzipped, archive.IsGzipped);
            Assert.Equal(written.ImageId, archive.ImageId);
            Assert.Equal(written.Config, archive.Config.ToArray());
            Assert.Equal(written.LayerDigests, archive.Layers.Select(l => l.Digest));
            Assert.Equal(written.DiffIds, archive.Layers.Select(l => l.DiffId));
            Assert.All(archive.Layers, l => Assert.Equal(ArchiveMediaTypes.GzipLayer, l.MediaType));
            Assert.Equal(["registry.example.com/team/app:1.0", "registry.example.com/team/app:latest"], archive.RepoTags);
            Assert.True(archive.HistoryMatchesLayers);
            Assert.Equal(["COPY os-release apk-db /", "RUN echo hello > /hello"], archive.Layers.Select(l => l.History!.CreatedBy));
            Assert.Equal(4, archive.History.Count);
            foreach (var layer in archive.Layers)
            {
                await using var stream = archive.OpenLayer(layer);
                var bytes = new MemoryStream();
                await stream.CopyToAsync(bytes);
                Assert.Equal(layer.Size, bytes.Length);
                Assert.Equal(layer.Digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray())));
            }
        }
        // The decompressed copy of a gzipped tarball goes with the archive.
        Assert.True(!Directory.Exists(work) || Directory.GetFileSystemEntries(work).Length == 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reads_real_docker_save_output_with_uncompressed_layers(bool gzipped)
    {
        using var temp = new TempDirectory();
        var tag = $"kanikobuild-test/altc-save-{Guid.NewGuid():N}"[..48] + ":1";
        var saved = await ImageTarballs.DockerSaveAsync(temp.Combine("saved.tar"), tag, [("zlib", "1.3.1-r0")], gzipped);

        using var archive = await DockerArchive.OpenAsync(saved.Path);

        Assert.Equal(saved.ImageId, archive.ImageId);
        Assert.Equal(saved.DiffIds, archive.Layers.Select(l => l.DiffId));
        // docker save stores layers as plain tars: what is stored is what is pushed, so digest = diff id.
        Assert.All(archive.Layers, l => Assert.Equal(ArchiveMediaTypes.TarLayer, l.MediaType));
        Assert.All(archive.Layers, l => Assert.Equal(l.DiffId, l.Digest));
        Assert.Equal([tag], archive.RepoTags);
        Assert.True(archive.HistoryMatchesLayers);
        Assert.Contains(archive.Layers, l => l.History?.CreatedBy is { } by && by.Contains("COPY", StringComparison.Ordinal) && by.Contains("installed", StringComparison.Ordinal));
        Assert.Contains(archive.History, h => h.EmptyLayer && h.CreatedBy is { } by && by.Contains("USER 65534", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Several_images_are_one_error_naming_the_count_and_the_tags()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("two.tar");
        var manifest = "[{\"Config\":\"a.json\",\"RepoTags\":[\"app:1\"],\"Layers\":[]},{\"Config\":\"b.json\",\"RepoTags\":[\"other:2\",\"other:latest\"],\"Layers\":[]}]";
        ImageTarballs.WriteArchive(path, [("manifest.json", System.Text.Encoding.UTF8.GetBytes(manifest))]);

        var error = await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(path));

        Assert.Contains("holds 2 images", error.Message);
        Assert.Contains("app:1", error.Message);
        Assert.Contains("other:2, other:latest", error.Message);
    }

    [Fact]
    public async Task An_oci_archive_or_layout_is_refused_as_not_the_docker_format()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("oci.tar");
        ImageTarballs.WriteArchive(path, [("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray()), ("index.json", "{\"schemaVersion\":2,\"manifests\":[]}"u8.ToArray())]);
        var layout = temp.Combine("layout");
        Directory.CreateDirectory(layout);
        await File.WriteAllTextAsync(Path.Combine(layout, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");

        var archive = await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(path));
        var directory = await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(layout));

        Assert.Contains("OCI image archive", archive.Message);
        Assert.Contains("twistcli --tarball reads only the Docker format", archive.Message);
        Assert.Contains("OCI image layout", directory.Message);
        Assert.Contains("--tar-path", directory.Message);
    }

    [Fact]
    public async Task A_layer_whose_bytes_are_not_the_digest_it_is_named_after_is_refused()
    {
        using var temp = new TempDirectory();
        var good = ImageTarballs.WriteKanikoLayout(temp.Combine("good.tar"), s_layers, ["app:1"]);
        var config = good.Config;
        var layerName = good.LayerDigests[1]["sha256:".Length..] + ".tar.gz";
        var other = ImageTarballs.Gzip(ImageTarballs.LayerTar([new LayerEntry.File("hello", "tampered\n")]));
        var path = temp.Combine("tampered.tar");
        ImageTarballs.WriteArchive(path,
        [
            (good.ImageId, config),
            (good.LayerDigests[0]["sha256:".Length..] + ".tar.gz", ImageTarballs.Gzip(ImageTarballs.LayerTar(s_layers[0].Entries))),
            (layerName, other),
            ("manifest.json", ImageTarballs.Manifest(good.ImageId, ["app:1"], [good.LayerDigests[0]["sha256:".Length..] + ".tar.gz", layerName])),
        ]);

        var error = await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(path));

        Assert.Contains("Layer 2", error.Message);
        Assert.Contains($"named after {good.LayerDigests[1]}", error.Message);
        Assert.Contains(ImageTarballs.Digest(other), error.Message);
    }

    [Fact]
    public async Task A_config_that_does_not_hash_to_its_name_or_lists_other_layers_is_refused()
    {
        using var temp = new TempDirectory();
        var good = ImageTarballs.WriteKanikoLayout(temp.Combine("good.tar"), s_layers, ["app:1"]);
        var layers = good.LayerDigests.Select(d => d["sha256:".Length..] + ".tar.gz").ToList();
        var blobs = s_layers.Select(l => ImageTarballs.Gzip(ImageTarballs.LayerTar(l.Entries))).ToList();
        // Gzip is not deterministic across runs of the writer: take the layer bytes from the good tarball instead.
        using (var archive = await DockerArchive.OpenAsync(good.Path))
        {
            blobs = [];
            foreach (var layer in archive.Layers)
            {
                await using var stream = archive.OpenLayer(layer);
                var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer);
                blobs.Add(buffer.ToArray());
            }
        }
        var renamed = temp.Combine("renamed.tar");
        var wrongName = "sha256:" + new string('a', 64);
        ImageTarballs.WriteArchive(renamed, [(wrongName, good.Config), (layers[0], blobs[0]), (layers[1], blobs[1]), ("manifest.json", ImageTarballs.Manifest(wrongName, [], layers))]);
        var swapped = temp.Combine("swapped.tar");
        var swappedConfig = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(good.Config).Replace(good.DiffIds[1], "sha256:" + new string('b', 64), StringComparison.Ordinal));
        ImageTarballs.WriteArchive(swapped, [("config.json", swappedConfig), (layers[0], blobs[0]), (layers[1], blobs[1]), ("manifest.json", ImageTarballs.Manifest("config.json", [], layers))]);

        var name = await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(renamed));
        var diff = await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(swapped));

        Assert.Contains("The config", name.Message);
        Assert.Contains("altered or damaged", name.Message);
        Assert.Contains($"unpacks to {good.DiffIds[1]}", diff.Message);
        Assert.Contains("sha256:" + new string('b', 64), diff.Message);
    }

    [Fact]
    public async Task Missing_files_damaged_archives_and_zstd_layers_are_clear_errors()
    {
        using var temp = new TempDirectory();
        var notTar = temp.Write("not-a.tar", new string('x', 2000));
        var noManifest = temp.Combine("no-manifest.tar");
        ImageTarballs.WriteArchive(noManifest, [("hello", "x"u8.ToArray())]);
        var missingLayer = temp.Combine("missing-layer.tar");
        var config = System.Text.Encoding.UTF8.GetBytes("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + new string('c', 64) + "\"]}}");
        ImageTarballs.WriteArchive(missingLayer, [("c.json", config), ("manifest.json", ImageTarballs.Manifest("c.json", [], ["gone.tar.gz"]))]);
        var zstd = temp.Combine("zstd.tar");
        ImageTarballs.WriteArchive(zstd, [("c.json", config), ("l.tar.zst", new byte[] { 0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0 }), ("manifest.json", ImageTarballs.Manifest("c.json", [], ["l.tar.zst"]))]);

        Assert.Contains("does not exist", (await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(temp.Combine("nowhere.tar")))).Message);
        Assert.Contains("is not a tar archive", (await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(notTar))).Message);
        Assert.Contains("no manifest.json", (await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(noManifest))).Message);
        Assert.Contains("names the layer 'gone.tar.gz'", (await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(missingLayer))).Message);
        Assert.Contains("zstd", (await Assert.ThrowsAsync<PipelineException>(() => DockerArchive.OpenAsync(zstd))).Message);
    }

    [Fact]
    public async Task A_layer_that_occurs_twice_is_stored_once_and_listed_twice()
    {
        using var temp = new TempDirectory();
        var same = new TestLayer("RUN touch /x", [new LayerEntry.File("x", "")]);
        var written = ImageTarballs.WriteKanikoLayout(temp.Combine("twice.tar"), [s_layers[0], same, same with { CreatedBy = "RUN touch /x # again" }], ["app:1"]);

        using var archive = await DockerArchive.OpenAsync(written.Path);

        Assert.Equal(3, archive.Layers.Count);
        Assert.Equal(archive.Layers[1].Digest, archive.Layers[2].Digest);
        Assert.Equal("RUN touch /x # again", archive.Layers[2].History!.CreatedBy);
        Assert.Equal(archive.Config.Length + archive.Layers[0].Size + archive.Layers[1].Size, archive.TotalSize);
    }
}
