namespace KanikoBuild.Registry;

/// <summary>One layer as a report shows it: where it sits, its digest and size, and the instruction that made it.</summary>
public sealed record ImageLayerEntry(int Index, string Digest, long Size, string MediaType, string? Instruction, DateTimeOffset? Created)
{
    /// <summary>1-based position, as people count layers.</summary>
    public int Number => Index + 1;
}

/// <summary>
/// The per-layer view of a scanned tarball: each layer with its digest, size and Dockerfile instruction (from the
/// config's history), and the attribution of a finding to a layer by the layer time the scanner reports. twistcli
/// cannot map findings to layers of images kaniko built (prisma.md §4): kaniko leaves every layer's creation time
/// at zero (kaniko issue #699), so no layer time tells them apart. The view says so plainly instead of guessing.
/// </summary>
public sealed class ImageLayerView
{
    /// <summary>What a report says when the scanner cannot tell which layer a finding comes from, for kaniko's images.</summary>
    public const string KanikoNoLayers =
        "The scanner gives no layer for these findings: twistcli cannot map vulnerabilities to layers of images built by kaniko, whose layers carry no creation time (kaniko issue #699). Each finding applies to the image as a whole.";

    ImageLayerView(string imageId, IReadOnlyList<ImageLayerEntry> layers, string? instructionsNote)
    {
        ImageId = imageId;
        Layers = layers;
        InstructionsNote = instructionsNote;
    }

    public string ImageId { get; }

    public IReadOnlyList<ImageLayerEntry> Layers { get; }

    /// <summary>False when the config's history does not say which instruction made which layer.</summary>
    public bool InstructionsKnown => InstructionsNote is null;

    /// <summary>Why the instructions are missing; null when they are known.</summary>
    public string? InstructionsNote { get; }

    /// <summary>
    /// True when the layers carry creation times that tell them apart, which is what a scanner's per-finding layer
    /// time is matched against. False for kaniko's images (every time zero).
    /// </summary>
    public bool LayersHaveTimes =>
        Layers.Count > 0 && Layers.All(l => IsReal(l.Created)) && Layers.Select(l => l.Created!.Value.ToUnixTimeSeconds()).Distinct().Count() == Layers.Count;

    public static ImageLayerView From(DockerArchive archive)
    {
        var layers = archive.Layers
            .Select(l => new ImageLayerEntry(l.Index, l.Digest, l.Size, l.MediaType, l.History?.CreatedBy, l.History?.Created))
            .ToList();
        var note = archive.HistoryMatchesLayers
            ? null
            : $"The image config's history has {archive.History.Count(h => !h.EmptyLayer)} entries that made a layer, but the image has {archive.Layers.Count} layers, so the instruction of each layer is not known.";
        return new ImageLayerView(archive.ImageId, layers, note);
    }

    /// <summary>The layer a finding comes from, given the layer time the scanner reported for it (twistcli's <c>layerTime</c>).</summary>
    public LayerAttribution Attribute(DateTimeOffset? layerTime)
    {
        if (!LayersHaveTimes)
            return new LayerAttribution.NotGiven(Layers.Count > 0 && Layers.All(l => !IsReal(l.Created))
                ? KanikoNoLayers
                : "The scanner gives no layer for this finding: several layers share a creation time, so a layer time cannot tell them apart.");
        if (!IsReal(layerTime))
            return new LayerAttribution.NotGiven("The scanner gave no layer for this finding.");
        var seconds = layerTime!.Value.ToUnixTimeSeconds();
        var match = Layers.SingleOrDefault(l => l.Created!.Value.ToUnixTimeSeconds() == seconds);
        return match is null
            ? new LayerAttribution.NotGiven($"The scanner names the layer created at {layerTime.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, which is not a layer of this image.")
            : new LayerAttribution.InLayer(match);
    }

    // A time at or before the Unix epoch is what tools write when they have none (kaniko: 0001-01-01).
    static bool IsReal(DateTimeOffset? time) => time is { } t && t > DateTimeOffset.UnixEpoch;
}

/// <summary>Which layer a finding comes from, or a plain statement that the scanner does not say.</summary>
public abstract record LayerAttribution
{
    public sealed record InLayer(ImageLayerEntry Layer) : LayerAttribution;

    public sealed record NotGiven(string Reason) : LayerAttribution;
}
