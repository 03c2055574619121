using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace KanikoBuild.Prisma.Tests.Support;

/// <summary>A pushed test image: what PushDev would have recorded.</summary>
public sealed record PushedImage(string Registry, string Repository, string Tag, string ManifestDigest, string ConfigDigest);

/// <summary>
/// Builds a one-layer OCI image in memory (an apk database and os-release, as CONTRACTS.md §1 says scanners
/// read them) and pushes it to a real registry over the HTTP API, as a build tool would.
/// </summary>
public static class TestImage
{
    public static readonly string[] Clean = ["busybox=1.36.1-r2", "zlib=1.3-r0", "musl=1.2.4-r2"];
    public static readonly string[] Critical = ["busybox=1.36.1-r0", "openssl=1.1.1k-r0", "zlib=1.3-r0"];
    public static readonly string[] LowOnly = ["zlib=1.2.11-r0", "ncurses-libs=6.3_p20220521-r0"];

    public static async Task<PushedImage> PushAsync(string registryHost, string repository, string tag, IEnumerable<string> packages,
        DateTimeOffset? created = null, CancellationToken ct = default)
    {
        var apkDatabase = new StringBuilder();
        foreach (var package in packages)
        {
            var (name, version) = (package.Split('=')[0], package.Split('=')[1]);
            apkDatabase.Append($"C:Q1{Guid.NewGuid():N}=\nP:{name}\nV:{version}\nA:x86_64\nS:1000\nT:{name} package\n\n");
        }
        var layerTar = Tar(new Dictionary<string, string>
        {
            ["etc/os-release"] = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n",
            ["lib/apk/db/installed"] = apkDatabase.ToString(),
            // Each push is a different image, as two builds of the same tag are.
            ["etc/build-nonce"] = Guid.NewGuid().ToString("N"),
        });
        var layer = Gzip(layerTar);
        var config = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["created"] = (created ?? DateTimeOffset.UtcNow).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["config"] = new JsonObject { ["Labels"] = new JsonObject { ["org.opencontainers.image.title"] = repository } },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(Digest(layerTar)) },
        }.ToJsonString());
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Digest(config), ["size"] = config.Length },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip", ["digest"] = Digest(layer), ["size"] = layer.Length }),
        }.ToJsonString());

        using var http = new HttpClient { BaseAddress = new Uri($"http://{registryHost}/") };
        await PushBlobAsync(http, repository, layer, ct);
        await PushBlobAsync(http, repository, config, ct);
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using var response = await http.PutAsync($"v2/{repository}/manifests/{tag}", content, ct);
        response.EnsureSuccessStatusCode();
        return new PushedImage(registryHost, repository, tag, Digest(manifest), Digest(config));
    }

    static async Task PushBlobAsync(HttpClient http, string repository, byte[] blob, CancellationToken ct)
    {
        using var start = await http.PostAsync($"v2/{repository}/blobs/uploads/", null, ct);
        start.EnsureSuccessStatusCode();
        var location = start.Headers.Location!;
        var upload = location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location);
        var separator = string.IsNullOrEmpty(upload.Query) ? "?" : "&";
        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync(new Uri(upload + separator + "digest=" + Uri.EscapeDataString(Digest(blob))), content, ct);
        put.EnsureSuccessStatusCode();
    }

    static byte[] Tar(IReadOnlyDictionary<string, string> files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var directory in new[] { "etc/", "lib/", "lib/apk/", "lib/apk/db/" })
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory));
            foreach (var (path, text) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
                writer.WriteEntry(entry);
            }
        }
        return buffer.ToArray();
    }

    static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return buffer.ToArray();
    }

    public static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));
}
