namespace KanikoBuild.Registry;

/// <summary>A reference to content by digest, as manifests and indexes carry them.</summary>
public sealed record Descriptor(string MediaType, string Digest, long Size)
{
    /// <summary>For an index entry: the platform it is for (e.g. linux/amd64, linux/arm64/v8); null otherwise.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Blobs (layers) whose content the registry may refuse to store (Windows foreign layers).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];
}

public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    public static Platform LinuxAmd64 { get; } = new("linux", "amd64");

    public static Platform Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
            throw new PipelineException($"The platform '{text}' is not os/arch[/variant], e.g. linux/amd64.");
        return new Platform(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
    }

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
