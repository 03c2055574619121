namespace KanikoBuild.Kaniko;

/// <summary>What a successful executor run produced.</summary>
public sealed record KanikoBuildResult
{
    public required int ExitCode { get; init; }

    /// <summary>The image (manifest) digest from <c>--digest-file</c>, e.g. <c>sha256:…</c>; null if kaniko wrote none.</summary>
    public string? Digest { get; init; }

    /// <summary>The lines of <c>--image-name-with-digest-file</c>: <c>repository@sha256:…</c>, one per destination.</summary>
    public IReadOnlyList<string> ImageNamesWithDigest { get; init; } = [];

    public required TimeSpan Duration { get; init; }
}
