namespace KanikoBuild.Scanning;

/// <summary>
/// What a report shows about the image itself when the pipeline holds its bytes (alternative C's tarball): each
/// layer with its digest, size and instruction next to the findings, a plain note when the scanner gives no layer
/// for them, and, once pushed, the proof per destination that what shipped is what was scanned. Only the Markdown
/// and JSON reports show it; the other formats stay as they are.
/// </summary>
public sealed record ScannedImageSection
{
    /// <summary>The scanned image's ID (<c>sha256:</c> of its config), the ID twistcli reported.</summary>
    public required string ImageId { get; init; }

    /// <summary>The layers in order, as stored in the tarball.</summary>
    public required IReadOnlyList<ReportLayer> Layers { get; init; }

    /// <summary>Why the instruction of each layer is unknown (the history does not match the layers); null when known.</summary>
    public string? InstructionsNote { get; init; }

    /// <summary>What to say about findings the scanner names no layer for (e.g. kaniko's images); null when it names them.</summary>
    public string? FindingsLayerNote { get; init; }

    /// <summary>One proof per destination, after the push; empty before it.</summary>
    public IReadOnlyList<ShippedImageEvidence> Shipped { get; init; } = [];

    /// <summary>True when pushed and every destination serves the scanned config and layers.</summary>
    public bool ShippedEqualsScanned => Shipped.Count > 0 && Shipped.All(s => s.ShippedEqualsScanned);
}

/// <summary>One layer as a report lists it; <see cref="Number"/> counts from 1.</summary>
public sealed record ReportLayer(int Number, string Digest, long Size, string? Instruction);

/// <summary>
/// For one destination: the manifest the registry serves after the push, read back, against the scanned tarball.
/// Shipped = scanned when its config digest is the scanned image ID and its layers are the tarball's, in order.
/// </summary>
public sealed record ShippedImageEvidence(string Destination, string ManifestDigest, string ConfigDigest, string ScannedImageId,
    IReadOnlyList<string> LayerDigests, IReadOnlyList<string> ScannedLayerDigests)
{
    public bool ShippedEqualsScanned => ConfigDigest == ScannedImageId && LayerDigests.SequenceEqual(ScannedLayerDigests, StringComparer.Ordinal);
}
