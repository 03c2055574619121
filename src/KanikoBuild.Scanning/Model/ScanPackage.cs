namespace KanikoBuild.Scanning;

/// <summary>A package found in the image.</summary>
public sealed record ScanPackage
{
    public required string Name { get; init; }
    public string? Version { get; init; }
    public string? Type { get; init; }
    public string? Path { get; init; }
    public IReadOnlyList<string> Licenses { get; init; } = [];
}
