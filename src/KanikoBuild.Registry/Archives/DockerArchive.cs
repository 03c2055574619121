namespace KanikoBuild.Registry;

/// <summary>
/// A docker-save tarball holding exactly one image (what kaniko's <c>--tar-path</c> and <c>docker save</c> write, the
/// format twistcli's <c>--tarball</c> reads), opened and checked: every layer hashed once and found to be what the
/// manifest and the config say it is. The image ID is the sha256 of the config's bytes, the ID a scanner reports.
/// Layers are read from the file on demand, never held in memory. Dispose to remove a gzipped tarball's
/// decompressed copy.
/// </summary>
public sealed class DockerArchive : IDisposable
{
    readonly TarballIndex _index;
    readonly IReadOnlyDictionary<string, TarballFile> _layerFiles;

    internal DockerArchive(string path, TarballIndex index, byte[] config, IReadOnlyList<ArchiveLayer> layers, IReadOnlyDictionary<string, TarballFile> layerFiles,
        IReadOnlyList<string> repoTags, IReadOnlyList<ImageHistoryEntry> history, bool historyMatchesLayers)
    {
        Path = path;
        _index = index;
        Config = config;
        ImageId = Digest.Sha256(config);
        Layers = layers;
        _layerFiles = layerFiles;
        RepoTags = repoTags;
        History = history;
        HistoryMatchesLayers = historyMatchesLayers;
    }

    /// <summary>The tarball as given.</summary>
    public string Path { get; }

    /// <summary>Whether the tarball itself was gzipped (twistcli reads both).</summary>
    public bool IsGzipped => _index.IsGzipped;

    /// <summary><c>sha256:</c> of <see cref="Config"/>: the image ID, and the config digest of every manifest pushed from it.</summary>
    public string ImageId { get; }

    /// <summary>The config file's exact bytes.</summary>
    public ReadOnlyMemory<byte> Config { get; }

    public IReadOnlyList<ArchiveLayer> Layers { get; }

    /// <summary><c>RepoTags</c> of manifest.json: kaniko writes its <c>--destination</c>s there.</summary>
    public IReadOnlyList<string> RepoTags { get; }

    /// <summary>The config's <c>history</c>, empty-layer entries included.</summary>
    public IReadOnlyList<ImageHistoryEntry> History { get; }

    /// <summary>True when the history's non-empty entries are as many as the layers, so each layer has its instruction.</summary>
    public bool HistoryMatchesLayers { get; }

    /// <summary>Config and layer bytes together, each distinct blob once.</summary>
    public long TotalSize => Config.Length + Layers.DistinctBy(l => l.Digest).Sum(l => l.Size);

    /// <summary>Opens <paramref name="path"/> and checks it (see <see cref="DockerArchive"/>); one clear error for anything else.</summary>
    /// <param name="temporaryRoot">Where a gzipped tarball is decompressed to (default: the temp folder); it needs the uncompressed size.</param>
    public static Task<DockerArchive> OpenAsync(string path, CancellationToken ct = default, string? temporaryRoot = null) =>
        DockerArchiveReader.OpenAsync(path, temporaryRoot, ct);

    /// <summary>A fresh read-only stream of the layer's stored bytes (several may be open at once).</summary>
    public Stream OpenLayer(ArchiveLayer layer) =>
        _layerFiles.TryGetValue(layer.Digest, out var file)
            ? _index.Open(file)
            : throw new ArgumentException($"The layer {layer.Digest} is not one of this archive's.", nameof(layer));

    public void Dispose() => _index.Dispose();
}
