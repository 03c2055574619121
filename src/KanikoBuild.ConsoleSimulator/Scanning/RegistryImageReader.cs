using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KanikoBuild.ConsoleSimulator.Scanning;

/// <summary>What a registry scan learned about one image.</summary>
public sealed record PulledImage(
    string ManifestDigest,
    string ConfigDigest,
    DateTimeOffset? Created,
    IReadOnlyList<string> LayerDigests,
    IReadOnlyList<string> Labels,
    ImageContents Contents);

/// <summary>
/// Pulls an image over the registry HTTP API v2 (OCI and Docker v2 manifests and indexes), reading only the
/// files a scanner needs from its layers. Plain http: the simulator scans loopback test registries.
/// </summary>
public sealed class RegistryImageReader(HttpClient http)
{
    const string UsrLibOsRelease = "usr/lib/os-release";
    const string LinkMarker = "\0link:";

    static readonly string[] s_manifestTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    public async Task<PulledImage> PullAsync(string registry, string repository, string reference, CancellationToken ct)
    {
        var (manifestBytes, manifestDigest) = await GetManifestAsync(registry, repository, reference, ct);
        using var manifest = JsonDocument.Parse(manifestBytes);
        if (manifest.RootElement.TryGetProperty("manifests", out var children))
        {
            // An index: scan the linux/amd64 image, as a Linux Defender would, else the first one.
            var chosen = children.EnumerateArray()
                .OrderByDescending(m => m.TryGetProperty("platform", out var p)
                    && p.TryGetProperty("os", out var os) && os.GetString() == "linux"
                    && p.TryGetProperty("architecture", out var arch) && arch.GetString() == "amd64")
                .FirstOrDefault();
            if (chosen.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"image index {registry}/{repository}@{manifestDigest} lists no manifests");
            var child = await PullAsync(registry, repository, chosen.GetProperty("digest").GetString()!, ct);
            // The index digest is what a tag or a push names: report it as the image's digest.
            return child with { ManifestDigest = manifestDigest };
        }

        var configDigest = manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
        var config = await GetBlobAsync(registry, repository, configDigest, ct);
        using var configJson = JsonDocument.Parse(config);
        DateTimeOffset? created = configJson.RootElement.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(c.GetString(), out var parsed) ? parsed : null;
        var labels = new List<string>();
        if (configJson.RootElement.TryGetProperty("config", out var cfg) && cfg.ValueKind == JsonValueKind.Object
            && cfg.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object)
            labels.AddRange(l.EnumerateObject().Select(p => $"{p.Name}:{p.Value}"));

        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().Select(x => x.GetProperty("digest").GetString()!).ToList();
        var files = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var layer in layers)
            await ReadLayerAsync(registry, repository, layer, files, ct);
        var osRelease = files.GetValueOrDefault(ImageContents.OsRelease);
        if (osRelease?.StartsWith(LinkMarker, StringComparison.Ordinal) == true)
            osRelease = files.GetValueOrDefault(UsrLibOsRelease);
        var contents = ImageContents.From(files.GetValueOrDefault(ImageContents.ApkDatabase), osRelease);
        return new PulledImage(manifestDigest, configDigest, created, layers, labels, contents);
    }

    async Task<(byte[] Bytes, string Digest)> GetManifestAsync(string registry, string repository, string reference, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{registry}/v2/{repository}/manifests/{reference}");
        foreach (var type in s_manifestTypes)
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidDataException($"registry answered {(int)response.StatusCode} for manifest {registry}/{repository}:{reference}");
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        return (bytes, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    async Task<byte[]> GetBlobAsync(string registry, string repository, string digest, CancellationToken ct)
    {
        using var response = await http.GetAsync($"http://{registry}/v2/{repository}/blobs/{digest}", ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidDataException($"registry answered {(int)response.StatusCode} for blob {digest} of {registry}/{repository}");
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    /// <summary>Applies one layer to the files of interest: later layers win, whiteouts delete.</summary>
    async Task ReadLayerAsync(string registry, string repository, string digest, Dictionary<string, string?> files, CancellationToken ct)
    {
        var blob = await GetBlobAsync(registry, repository, digest, ct);
        Stream stream = new MemoryStream(blob);
        if (blob.Length >= 2 && blob[0] == 0x1f && blob[1] == 0x8b)
            stream = new GZipStream(stream, CompressionMode.Decompress);
        else if (blob.Length >= 4 && blob[0] == 0x28 && blob[1] == 0xb5 && blob[2] == 0x2f && blob[3] == 0xfd)
            throw new InvalidDataException($"layer {digest} is zstd-compressed, which the simulator does not read");
        await using (stream)
        {
            using var tar = new TarReader(stream);
            while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                var name = entry.Name.TrimStart('.', '/');
                if (entry.Name.StartsWith("./", StringComparison.Ordinal))
                    name = entry.Name[2..].TrimStart('/');
                var fileName = Path.GetFileName(name);
                if (fileName.StartsWith(".wh.", StringComparison.Ordinal))
                {
                    var deleted = Path.Combine(Path.GetDirectoryName(name) ?? string.Empty, fileName[4..]).Replace('\\', '/');
                    foreach (var key in files.Keys.Where(k => k == deleted || k.StartsWith(deleted + "/", StringComparison.Ordinal)).ToList())
                        files[key] = null;
                    continue;
                }
                if (name is not (ImageContents.ApkDatabase or ImageContents.OsRelease or UsrLibOsRelease))
                    continue;
                if (entry.EntryType == TarEntryType.SymbolicLink && name == ImageContents.OsRelease)
                {
                    // Alpine's /etc/os-release links to /usr/lib/os-release.
                    files[name] = LinkMarker + entry.LinkName;
                    continue;
                }
                if (entry.DataStream is null)
                    continue;
                using var reader = new StreamReader(entry.DataStream, Encoding.UTF8);
                files[name] = await reader.ReadToEndAsync(ct);
            }
        }
    }
}
