using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KanikoBuild.Registry.Tests;

/// <summary>A blob made by a test: random bytes (layers) or JSON (configs).</summary>
public sealed record TestBlob(string MediaType, byte[] Content)
{
    public string Digest { get; } = KanikoBuild.Registry.Digest.Sha256(Content);
    public long Size => Content.Length;
}

public sealed record TestImage(RegistryManifest Manifest, IReadOnlyList<TestBlob> Blobs, IReadOnlyList<RegistryManifest> Children)
{
    public string Digest => Manifest.Digest;
    public TestBlob Config => Blobs[0];
    public IEnumerable<TestBlob> Layers => Blobs.Skip(1);
}

/// <summary>Makes images (random layers, a config, a manifest; or an index of two platforms) and pushes them with the client.</summary>
public static class TestImages
{
    public static TestBlob RandomLayer(int size, bool docker = false)
    {
        var bytes = new byte[size];
        RandomNumberGenerator.Fill(bytes);
        return new TestBlob(docker ? MediaTypes.DockerLayer : MediaTypes.OciLayer, bytes);
    }

    /// <summary>An image manifest (OCI, or Docker v2 schema 2) over the given layers, with a config naming the platform.</summary>
    public static (RegistryManifest Manifest, IReadOnlyList<TestBlob> Blobs) Image(IReadOnlyList<TestBlob> layers, bool docker = false, string architecture = "amd64")
    {
        var config = new TestBlob(docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig, JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture,
            os = "linux",
            config = new { Cmd = new[] { "/bin/sh" } },
            rootfs = new { type = "layers", diff_ids = layers.Select(l => l.Digest).ToArray() },
            created = "2026-11-28T00:00:00Z",
        }));
        var manifest = new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
            ["config"] = new { mediaType = config.MediaType, digest = config.Digest, size = config.Size },
            ["layers"] = layers.Select(l => new { mediaType = l.MediaType, digest = l.Digest, size = l.Size }).ToArray(),
        };
        // Indented on purpose: the copy must keep the exact bytes, whitespace included.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions { WriteIndented = true });
        return (RegistryManifest.Parse(bytes, null), [config, .. layers]);
    }

    public static RegistryManifest Index(IReadOnlyList<(RegistryManifest Manifest, string Architecture)> images, bool docker = false)
    {
        var index = new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = docker ? MediaTypes.DockerManifestList : MediaTypes.OciIndex,
            ["manifests"] = images.Select(i => new
            {
                mediaType = i.Manifest.MediaType,
                digest = i.Manifest.Digest,
                size = i.Manifest.Bytes.Length,
                platform = new { architecture = i.Architecture, os = "linux" },
            }).ToArray(),
        };
        return RegistryManifest.Parse(JsonSerializer.SerializeToUtf8Bytes(index), null);
    }

    public static async Task PushBlobsAsync(RegistryClient client, string repository, IEnumerable<TestBlob> blobs)
    {
        foreach (var blob in blobs)
            await client.PushBlobAsync(repository, blob.Digest, blob.Size, new MemoryStream(blob.Content));
    }

    /// <summary>Pushes an image of <paramref name="layerSizes"/> random layers, by digest and optionally under <paramref name="tag"/>.</summary>
    public static async Task<TestImage> PushImageAsync(RegistryClient client, string repository, int[] layerSizes, bool docker = false, string? tag = null)
    {
        var (manifest, blobs) = Image(layerSizes.Select(s => RandomLayer(s, docker)).ToList(), docker);
        await PushBlobsAsync(client, repository, blobs);
        await client.PutManifestAsync(repository, tag ?? manifest.Digest, manifest);
        return new TestImage(manifest, blobs, []);
    }

    /// <summary>An index of two platforms (amd64, arm64) sharing one layer, pushed by digest.</summary>
    public static async Task<TestImage> PushIndexAsync(RegistryClient client, string repository, bool docker = false, string? tag = null)
    {
        var shared = RandomLayer(300_000, docker);
        var amd64 = Image([shared, RandomLayer(700_000, docker)], docker, "amd64");
        var arm64 = Image([shared, RandomLayer(500_000, docker)], docker, "arm64");
        var blobs = amd64.Blobs.Concat(arm64.Blobs).DistinctBy(b => b.Digest).ToList();
        await PushBlobsAsync(client, repository, blobs);
        await client.PutManifestAsync(repository, amd64.Manifest.Digest, amd64.Manifest);
        await client.PutManifestAsync(repository, arm64.Manifest.Digest, arm64.Manifest);
        var index = Index([(amd64.Manifest, "amd64"), (arm64.Manifest, "arm64")], docker);
        await client.PutManifestAsync(repository, tag ?? index.Digest, index);
        return new TestImage(index, blobs, [amd64.Manifest, arm64.Manifest]);
    }

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
