namespace KanikoBuild.Registry;

/// <summary>
/// What to promote: the image <paramref name="Digest"/> in <paramref name="SourceRepository"/> of the source client's
/// registry, to <paramref name="DestinationRepository"/> of the destination client's registry, then tagged.
/// </summary>
public sealed record PromotionRequest(string SourceRepository, string Digest, string DestinationRepository)
{
    /// <summary>Tags set in the destination once the image is complete there (the --tag and the --promote-tags).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Move tags that already point to a different digest; without it such a tag stops the promotion before anything is copied.</summary>
    public bool OverwriteTags { get; init; }

    /// <summary>Blobs copied at the same time.</summary>
    public int Parallelism { get; init; } = 6;
}

public sealed record PromotionProgress(int BlobsDone, int BlobsTotal, long BytesDone, long BytesTotal, TimeSpan Elapsed);

public sealed record PromotionResult
{
    /// <summary>The manifest digest, the same in both registries.</summary>
    public required string Digest { get; init; }
    public required string MediaType { get; init; }
    public required string Destination { get; init; }
    /// <summary>Manifests pushed or found (1 for an image; the index plus its platforms' manifests for an index).</summary>
    public int Manifests { get; init; }
    public int BlobsTotal { get; init; }
    public int BlobsUploaded { get; init; }
    public int BlobsMounted { get; init; }
    public int BlobsAlreadyPresent { get; init; }
    /// <summary>Blob bytes sent to the destination (0 when every blob was mounted or present).</summary>
    public long BytesUploaded { get; init; }
    public long BytesTotal { get; init; }
    /// <summary>True when the destination had the manifest already (a rerun), so no blob was looked at.</summary>
    public bool ManifestWasPresent { get; init; }
    public IReadOnlyList<string> TagsApplied { get; init; } = [];
    public IReadOnlyList<string> TagsAlreadyInPlace { get; init; } = [];
    public TimeSpan Duration { get; init; }
}
