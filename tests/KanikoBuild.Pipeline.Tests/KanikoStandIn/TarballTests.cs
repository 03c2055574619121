using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>
/// The --tar-path layout, byte for byte where it matters (kaniko.md §8; go-containerregistry's tarball writer, which
/// kaniko uses): Alternative C pushes exactly these blobs, so the names must be the digests of what they hold.
/// </summary>
[Collection(StandInCollection.Name)]
public sealed class TarballTests(StandInFixture fixture)
{
    sealed record Entry(string Name, TarEntryType Type, UnixFileMode Mode, byte[] Data);

    static List<Entry> Read(string tarball)
    {
        var entries = new List<Entry>();
        using var file = File.OpenRead(tarball);
        using var reader = new TarReader(file);
        while (reader.GetNextEntry() is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries.Add(new Entry(entry.Name, entry.EntryType, entry.Mode, data.ToArray()));
        }
        return entries;
    }

    static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    static byte[] Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }

    async Task<List<Entry>> BuildAsync(params string[] destinations)
    {
        using var context = new TempDirectory();
        using var output = new TempDirectory();
        context.Write("app.txt", "app\n");
        context.Write("Dockerfile", $"""
            FROM {fixture.BaseImage}
            COPY app.txt /app/app.txt
            RUN echo built > /app/built.txt
            """);
        var run = await fixture.RunAsync(context.Path, ["--no-push", "--tar-path=/kaniko/out/image.tar", .. destinations.SelectMany(d => new[] { "--destination", d })],
            [(output.Path, "/kaniko/out")]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return Read(output.Combine("image.tar"));
    }

    [Fact]
    public async Task The_tarball_holds_the_config_and_the_compressed_layers_named_by_their_digests_and_the_destinations_as_repo_tags()
    {
        var tagged = $"{fixture.Registry.Host}/tar-app:1";
        var untagged = $"{fixture.Registry.Host}/tar-app";

        var entries = await BuildAsync(tagged, untagged, tagged);

        // Config first, then each layer, then manifest.json: plain 0644 files, no directories.
        Assert.All(entries, e => Assert.Equal(TarEntryType.RegularFile, e.Type));
        Assert.All(entries, e => Assert.Equal((UnixFileMode)0b110_100_100, e.Mode));
        Assert.Equal("manifest.json", entries[^1].Name);
        using var manifest = JsonDocument.Parse(entries[^1].Data);
        var descriptor = Assert.Single(manifest.RootElement.EnumerateArray());
        var config = entries[0];
        var layers = entries.Skip(1).SkipLast(1).ToList();
        Assert.Equal($"sha256:{Sha256(config.Data)}", config.Name);
        Assert.Equal(3, layers.Count); // the busybox base layer, COPY, RUN
        Assert.All(layers, l => Assert.Equal($"{Sha256(l.Data)}.tar.gz", l.Name));
        var repoTags = new[] { tagged, untagged + ":latest" };
        // go-containerregistry's field order, compact: what a reader that parses by hand also accepts.
        Assert.Equal(JsonSerializer.Serialize(new[] { new { Config = config.Name, RepoTags = repoTags, Layers = layers.Select(l => l.Name) } }),
            Encoding.UTF8.GetString(entries[^1].Data));
        // The config's diff ids are the digests of the layers uncompressed.
        using var configJson = JsonDocument.Parse(config.Data);
        Assert.Equal(layers.Select(l => $"sha256:{Sha256(Gunzip(l.Data))}"),
            configJson.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()));
        Assert.False(await fixture.ExistsAsync(tagged));
    }

    [Fact]
    public async Task Without_a_destination_the_image_is_named_like_kanikos_dummy_destination()
    {
        var entries = await BuildAsync();

        using var manifest = JsonDocument.Parse(entries[^1].Data);
        Assert.Equal(["docker.io/unset-repo/unset-image-name:latest"],
            manifest.RootElement[0].GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()));
    }
}
