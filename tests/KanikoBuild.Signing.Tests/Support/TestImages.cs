using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KanikoBuild.Registry;

namespace KanikoBuild.Signing.Tests;

/// <summary>
/// Tiny real images pushed with the project's registry client: one gzip tar layer holding one small file, an OCI
/// config naming its diff_id, an OCI manifest. Each call makes a different image (the file's content is random).
/// </summary>
public static class TestImages
{
    public static async Task<string> PushAsync(RegistryClient client, string repository, string tag = "1", string architecture = "amd64")
    {
        var (tar, gzip) = Layer();
        var config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture,
            os = "linux",
            config = new { Cmd = new[] { "/hello" } },
            rootfs = new { type = "layers", diff_ids = new[] { Digest.Sha256(tar) } },
        });
        await client.PushBlobAsync(repository, gzip);
        await client.PushBlobAsync(repository, config);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = new { mediaType = MediaTypes.OciConfig, digest = Digest.Sha256(config), size = config.Length },
            ["layers"] = new[] { new { mediaType = MediaTypes.OciLayer, digest = Digest.Sha256(gzip), size = gzip.Length } },
        });
        return await client.PutManifestAsync(repository, tag, manifest, MediaTypes.OciManifest);
    }

    /// <summary>An index of two platform images (amd64, arm64), tagged; returns the index digest and the platform digests.</summary>
    public static async Task<(string Index, string[] Platforms)> PushIndexAsync(RegistryClient client, string repository, string tag = "multi")
    {
        var amd64 = await PushAsync(client, repository, "amd64", "amd64");
        var arm64 = await PushAsync(client, repository, "arm64", "arm64");
        var index = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new[]
            {
                await Entry(amd64, "amd64"),
                await Entry(arm64, "arm64"),
            },
        });
        return (await client.PutManifestAsync(repository, tag, index, MediaTypes.OciIndex), [amd64, arm64]);

        async Task<object> Entry(string digest, string architecture)
        {
            var manifest = await client.GetManifestAsync(repository, digest);
            return new { mediaType = MediaTypes.OciManifest, digest, size = manifest.Bytes.Length, platform = new { os = "linux", architecture } };
        }
    }

    static (byte[] Tar, byte[] Gzip) Layer()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var content = Encoding.UTF8.GetBytes($"hello {Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}\n");
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "hello.txt") { DataStream = new MemoryStream(content), Mode = (UnixFileMode)0b110_100_100 });
        }
        var tarBytes = tar.ToArray();
        using var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.SmallestSize, leaveOpen: true))
            compressor.Write(tarBytes);
        return (tarBytes, gzip.ToArray());
    }
}
