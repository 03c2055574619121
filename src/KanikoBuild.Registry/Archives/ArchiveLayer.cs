namespace KanikoBuild.Registry;

/// <summary>
/// One layer of a docker-save tarball, as it is stored there. <see cref="Digest"/> is the sha256 of the stored
/// bytes (what a registry addresses the blob by); <see cref="DiffId"/> that of the uncompressed tar (what the
/// config's <c>rootfs.diff_ids</c> lists). For a plain <c>.tar</c> layer the two are the same.
/// </summary>
public sealed record ArchiveLayer(int Index, string Digest, long Size, string MediaType, string DiffId, string FileName)
{
    public bool IsCompressed => MediaType == ArchiveMediaTypes.GzipLayer;

    /// <summary>The config's history entry that made this layer; null when the history does not match the layers.</summary>
    public ImageHistoryEntry? History { get; init; }
}

/// <summary>One <c>history</c> entry of an image config: the instruction, and whether it made a layer.</summary>
public sealed record ImageHistoryEntry(DateTimeOffset? Created, string? CreatedBy, bool EmptyLayer, string? Comment);

/// <summary>The Docker v2 schema 2 media types a scanned tarball is pushed with.</summary>
public static class ArchiveMediaTypes
{
    public const string Config = MediaTypes.DockerConfig;

    public const string GzipLayer = MediaTypes.DockerLayer;

    /// <summary>
    /// An uncompressed layer (what <c>docker save</c> writes). Pushed as stored, because compressing it would ship
    /// other bytes than the ones scanned; containerd, Docker and containers/image read this type.
    /// </summary>
    public const string TarLayer = "application/vnd.docker.image.rootfs.diff.tar";
}
