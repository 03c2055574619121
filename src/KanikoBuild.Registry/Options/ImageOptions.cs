namespace KanikoBuild.Registry;

/// <summary>The image alternative B pushes, waits for and promotes: its name, tag, digest and the production tags.</summary>
[ParameterGroup("The image")]
public sealed record ImageOptions
{
    /// <summary><c>--image</c>: the repository below the registry's path prefix, without registry and tag.</summary>
    [Parameter("Image repository, without registry and tag (e.g. team/app).", Name = "Image")]
    public string? Name { get; init; }

    [Parameter("Image tag.")]
    public string? Tag { get; init; }

    [Parameter("Manifest digest (sha256:…) of an image pushed earlier; AwaitScan and Promote then skip PushDev.", Name = "ImageDigest")]
    public Digest? Digest { get; init; }

    [Parameter("Extra tags applied in production after the copy (repeatable).")]
    public string[] PromoteTags { get; init; } = [];

    [Parameter("Move production tags that already point to a different digest.")]
    public bool OverwriteTags { get; init; }
}
