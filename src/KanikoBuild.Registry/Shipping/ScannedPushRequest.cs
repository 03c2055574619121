namespace KanikoBuild.Registry;

/// <summary>
/// What PushScanned ships: the scanned tarball, to every destination (several repositories, maybe on several
/// registries). Each destination's tag is written only after all of them hold the verified image.
/// </summary>
public sealed record ScannedPushRequest(DockerArchive Archive, IReadOnlyList<ImageReference> Destinations)
{
    /// <summary>Blobs uploaded at the same time to one destination.</summary>
    public int Parallelism { get; init; } = 4;
}

/// <summary>
/// The proof for one destination that what it serves is what was scanned: the manifest read back from the registry
/// names the scanned config (the image ID twistcli reported) and the tarball's layers, in order.
/// </summary>
public sealed record ShippedImageProof
{
    /// <summary>The destination with its tag (<c>host/repository:tag</c>).</summary>
    public required ImageReference Destination { get; init; }

    /// <summary>The digest of the manifest bytes pushed, computed here.</summary>
    public required string ManifestDigest { get; init; }

    /// <summary>The digest the registry answers for it (<c>Docker-Content-Digest</c>); equal to <see cref="ManifestDigest"/>.</summary>
    public required string RegistryDigest { get; init; }

    /// <summary>The config digest in the manifest read back from the registry.</summary>
    public required string ConfigDigest { get; init; }

    /// <summary>The image ID of the scanned tarball (the config's sha256).</summary>
    public required string ScannedImageId { get; init; }

    /// <summary>The layer digests in the manifest read back from the registry.</summary>
    public required IReadOnlyList<string> LayerDigests { get; init; }

    /// <summary>The layer digests of the scanned tarball.</summary>
    public required IReadOnlyList<string> ScannedLayerDigests { get; init; }

    /// <summary>Where the tag pointed before (null when it did not exist, or pointed here already).</summary>
    public string? PreviousTagDigest { get; init; }

    /// <summary>The digest the tag resolves to once written: the manifest's.</summary>
    public required string TagDigest { get; init; }

    public int BlobsUploaded { get; init; }
    public int BlobsMounted { get; init; }
    public int BlobsAlreadyPresent { get; init; }
    public long BytesUploaded { get; init; }

    /// <summary>Config = scanned image ID, layers = the tarball's, and the registry's digest and the tag agree with the one computed.</summary>
    public bool ShippedEqualsScanned =>
        ConfigDigest == ScannedImageId
        && LayerDigests.SequenceEqual(ScannedLayerDigests, StringComparer.Ordinal)
        && RegistryDigest == ManifestDigest
        && TagDigest == ManifestDigest;
}

public sealed record ScannedPushResult(string ImageId, string ManifestDigest, IReadOnlyList<ShippedImageProof> Proofs)
{
    public bool ShippedEqualsScanned => Proofs.Count > 0 && Proofs.All(p => p.ShippedEqualsScanned);
}
