using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KanikoBuild.Registry;

namespace KanikoBuild.LocalPeers;

/// <summary>
/// The samples' base image, made here instead of pulled: this machine's static busybox as <c>/bin/busybox</c>
/// with its applets, pushed to the sandbox registry as a one-layer Docker v2 image (kaniko pulls base images from
/// registries, never from the Docker engine).
/// </summary>
public static class BaseImage
{
    public static async Task<string> PushBusyboxAsync(RegistryClient client, string repository, string tag, CancellationToken ct)
    {
        var layer = Path.Combine(Path.GetTempPath(), $"kanikobuild-base-{Guid.NewGuid():N}.tar.gz");
        try
        {
            string diffId;
            await using (var file = File.Create(layer))
            {
                await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
                using var diff = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (var hashing = new HashingStream(gzip, diff))
                await using (var tar = new TarWriter(hashing, TarEntryFormat.Pax, leaveOpen: true))
                {
                    foreach (var directory in new[] { "etc/", "root/", "var/", "usr/", "usr/bin/", "lib/" })
                        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, directory) { Mode = (UnixFileMode)0b111_101_101 }, ct).ConfigureAwait(false);
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = (UnixFileMode)0b1_111_111_111 }, ct).ConfigureAwait(false);
                    await StandIns.AddBusyboxAsync(tar, "bin", ct).ConfigureAwait(false);
                    await AddFileAsync(tar, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", ct).ConfigureAwait(false);
                    await AddFileAsync(tar, "etc/group", "root:x:0:\nnogroup:x:65534:\n", ct).ConfigureAwait(false);
                }
                diffId = "sha256:" + Convert.ToHexString(diff.GetHashAndReset()).ToLowerInvariant();
            }

            var layerDigest = await DigestOfFileAsync(layer, ct).ConfigureAwait(false);
            var layerSize = new FileInfo(layer).Length;
            await using (var content = File.OpenRead(layer))
                await client.PushBlobAsync(repository, layerDigest, layerSize, content, ct).ConfigureAwait(false);

            var config = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["architecture"] = "amd64",
                ["os"] = "linux",
                ["config"] = new Dictionary<string, object> { ["Env"] = new[] { "PATH=/usr/sbin:/usr/bin:/sbin:/bin" }, ["Cmd"] = new[] { "sh" } },
                ["rootfs"] = new Dictionary<string, object> { ["type"] = "layers", ["diff_ids"] = new[] { diffId } },
                ["history"] = new[] { new Dictionary<string, object> { ["created_by"] = "KanikoBuild sandbox: static busybox" } },
            });
            var configDigest = Digest(config);
            await client.PushBlobAsync(repository, configDigest, config.Length, new MemoryStream(config), ct).ConfigureAwait(false);

            var manifest = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.DockerManifest,
                ["config"] = new Dictionary<string, object> { ["mediaType"] = "application/vnd.docker.container.image.v1+json", ["size"] = config.Length, ["digest"] = configDigest },
                ["layers"] = new[] { new Dictionary<string, object> { ["mediaType"] = "application/vnd.docker.image.rootfs.diff.tar.gzip", ["size"] = layerSize, ["digest"] = layerDigest } },
            });
            return await client.PutManifestAsync(repository, tag, RegistryManifest.Parse(manifest, MediaTypes.DockerManifest), ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(layer);
        }
    }

    static async Task AddFileAsync(TarWriter tar, string name, string content, CancellationToken ct)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0b110_100_100, DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
        await tar.WriteEntryAsync(entry, ct).ConfigureAwait(false);
    }

    static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    static async Task<string> DigestOfFileAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexString(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false)).ToLowerInvariant();
    }

    /// <summary>Hashes what passes through (the uncompressed layer: its diff id) on the way to the gzip stream.</summary>
    sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }
}
