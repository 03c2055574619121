using System.IO.Compression;
using System.Security.Cryptography;

namespace KanikoBuild.Registry;

/// <summary>
/// Opens a docker-save tarball and checks it, reading each stored byte once: the config's digest against its file
/// name, each layer's digest against its file name (when the name is a digest), its uncompressed digest against
/// the config's <c>diff_ids</c>, and its compression (gzip or plain tar, what twistcli and Docker v2 schema 2 read).
/// </summary>
internal static class DockerArchiveReader
{
    const long MaxJsonBytes = 16 * 1024 * 1024;

    // How kaniko and docker save name files after their digest: sha256:<hex>, blobs/sha256/<hex>, <hex>.tar.gz.
    static readonly string[] s_digestPrefixes = ["sha256:", "blobs/sha256/"];
    static readonly string[] s_digestSuffixes = [".tar.gz", ".tgz", ".tar", ".json"];

    public static async Task<DockerArchive> OpenAsync(string path, string? temporaryRoot, CancellationToken ct)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            var isLayout = File.Exists(System.IO.Path.Combine(full, "oci-layout")) || File.Exists(System.IO.Path.Combine(full, "index.json"));
            throw new PipelineException(isLayout
                ? $"'{path}' is an OCI image layout (a directory with oci-layout/index.json), not a docker-save tarball. twistcli --tarball reads only the Docker format: build with kaniko --tar-path, not --oci-layout-path."
                : $"'{path}' is a directory, not a docker-save tarball (kaniko --tar-path writes a file).");
        }
        if (!File.Exists(full))
            throw new PipelineException($"The image tarball '{path}' does not exist; kaniko writes it with --no-push --tar-path.");

        var index = await TarballIndex.OpenAsync(full, temporaryRoot, ct).ConfigureAwait(false);
        try
        {
            return await ReadAsync(path, index, ct).ConfigureAwait(false);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    static async Task<DockerArchive> ReadAsync(string path, TarballIndex index, CancellationToken ct)
    {
        if (index.Find("manifest.json") is not { } manifestFile)
        {
            if (index.Contains("oci-layout") || index.Contains("index.json"))
                throw new PipelineException($"'{path}' is an OCI image archive (oci-layout/index.json without manifest.json), not a docker-save tarball. twistcli --tarball reads only the Docker format (docker save, kaniko --tar-path); it refuses OCI archives.");
            throw new PipelineException($"'{path}' is not a docker-save tarball: it has no manifest.json.");
        }
        var image = SaveManifest.ParseSingle(await index.ReadAllAsync(manifestFile, MaxJsonBytes, "manifest.json", ct).ConfigureAwait(false), path);

        var configFile = index.Find(image.Config)
            ?? throw new PipelineException($"The manifest.json of '{path}' names the config '{image.Config}', which the tarball does not hold.");
        var config = await index.ReadAllAsync(configFile, MaxJsonBytes, $"The config of '{path}'", ct).ConfigureAwait(false);
        var imageId = Digest.Sha256(config);
        CheckName(image.Config, imageId, $"The config of '{path}'");
        var parsed = ArchiveImageConfig.Parse(config, $"The config '{image.Config}' of '{path}'");
        if (parsed.DiffIds.Count != image.Layers.Count)
            throw new PipelineException($"'{path}' lists {image.Layers.Count} layers in manifest.json but its config has {parsed.DiffIds.Count} diff ids; the tarball is inconsistent.");

        var layers = new List<ArchiveLayer>();
        var files = new Dictionary<string, TarballFile>(StringComparer.Ordinal);
        var hashed = new Dictionary<TarballFile, StoredLayer>();
        for (var i = 0; i < image.Layers.Count; i++)
        {
            var name = image.Layers[i];
            var what = $"Layer {i + 1} ({name}) of '{path}'";
            var file = index.Find(name) ?? throw new PipelineException($"The manifest.json of '{path}' names the layer '{name}', which the tarball does not hold.");
            // kaniko stores a layer that occurs twice once, and docker save links the second to the first: hash it once.
            if (!hashed.TryGetValue(file, out var stored))
            {
                stored = await HashAsync(index, file, what, ct).ConfigureAwait(false);
                hashed[file] = stored;
            }
            CheckName(name, stored.Digest, what);
            if (stored.DiffId != parsed.DiffIds[i])
                throw new PipelineException($"{what} unpacks to {stored.DiffId}, but the config lists {parsed.DiffIds[i]} for it; the tarball does not hold the image its config describes.");
            if (image.LayerSources.TryGetValue(stored.DiffId, out var source))
                CheckSource(source, stored, what);
            files[stored.Digest] = file;
            layers.Add(new ArchiveLayer(i, stored.Digest, file.Length, stored.MediaType, stored.DiffId, name));
        }

        var made = parsed.History.Where(h => !h.EmptyLayer).ToList();
        var historyMatches = made.Count == layers.Count;
        if (historyMatches)
            layers = layers.Select((l, i) => l with { History = made[i] }).ToList();
        return new DockerArchive(path, index, config, layers, files, image.RepoTags, parsed.History, historyMatches);
    }

    sealed record StoredLayer(string Digest, string DiffId, string MediaType);

    /// <summary>One read of the stored bytes: their digest and, through a decompressor fed by the same read, the diff id.</summary>
    static async Task<StoredLayer> HashAsync(TarballIndex index, TarballFile file, string what, CancellationToken ct)
    {
        var compression = await SniffAsync(index, file, ct).ConfigureAwait(false);
        if (compression == Compression.Zstd)
            throw new PipelineException($"{what} is zstd-compressed. twistcli --tarball and Docker v2 schema 2 read gzip or plain tar layers; build with kaniko's default compression (gzip).");
        await using var stored = new HashingReadStream(index.Open(file));
        try
        {
            if (compression == Compression.Gzip)
            {
                using var uncompressed = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (var gzip = new GZipStream(stored, CompressionMode.Decompress, leaveOpen: true))
                {
                    var buffer = new byte[256 * 1024];
                    int read;
                    while ((read = await gzip.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                        uncompressed.AppendData(buffer, 0, read);
                }
                await stored.DrainAsync(ct).ConfigureAwait(false);
                var diffId = "sha256:" + Convert.ToHexStringLower(uncompressed.GetHashAndReset());
                return new StoredLayer(stored.Digest(), diffId, ArchiveMediaTypes.GzipLayer);
            }
            await stored.DrainAsync(ct).ConfigureAwait(false);
            var digest = stored.Digest();
            return new StoredLayer(digest, digest, ArchiveMediaTypes.TarLayer);
        }
        catch (InvalidDataException e)
        {
            throw new PipelineException($"{what} is gzip data that does not decompress ({e.Message}); the tarball is damaged.", e);
        }
        catch (EndOfStreamException e)
        {
            throw new PipelineException($"{what}: {e.Message}", e);
        }
    }

    enum Compression
    {
        None,
        Gzip,
        Zstd,
    }

    static async Task<Compression> SniffAsync(TarballIndex index, TarballFile file, CancellationToken ct)
    {
        var head = new byte[4];
        await using var stream = index.Open(file);
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (read >= 2 && head[0] == 0x1f && head[1] == 0x8b)
            return Compression.Gzip;
        if (read == 4 && head is [0x28, 0xb5, 0x2f, 0xfd])
            return Compression.Zstd;
        return Compression.None;
    }

    /// <summary>A file named by a digest (kaniko's <c>sha256:…</c> config and <c>&lt;hex&gt;.tar.gz</c> layers) must hash to it.</summary>
    static void CheckName(string name, string digest, string what)
    {
        if (NamedDigest(TarballIndex.Normalize(name)) is { } named && named != digest)
            throw new PipelineException($"{what} is named after {named} but its bytes hash to {digest}; the tarball was altered or damaged after it was written.");
    }

    /// <summary>The digest a file is named after, or null when its name is not a digest.</summary>
    static Digest? NamedDigest(string name)
    {
        var hex = s_digestPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal)) is { } prefix ? name[prefix.Length..] : name;
        if (s_digestSuffixes.FirstOrDefault(s => hex.EndsWith(s, StringComparison.Ordinal)) is { } suffix)
            hex = hex[..^suffix.Length];
        return Digest.TryParse("sha256:" + hex, out var digest) ? digest : null;
    }

    static void CheckSource(LayerSource source, StoredLayer stored, string what)
    {
        if (source.Urls.Count > 0)
            throw new PipelineException($"{what} is a foreign layer (fetched from {string.Join(", ", source.Urls)}); pushing it would not ship the bytes scanned, so foreign layers are not supported.");
        if (source.Digest is { } digest && digest != stored.Digest)
            throw new PipelineException($"{what}: manifest.json's LayerSources says {digest}, but the stored bytes hash to {stored.Digest}.");
    }
}
