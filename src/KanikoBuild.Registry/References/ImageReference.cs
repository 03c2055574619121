namespace KanikoBuild.Registry;

/// <summary>
/// An image in a registry: <c>host[:port]/repository[:tag][@digest]</c>. The one parser of image references
/// (<c>--destination</c>, <c>--cache-repo</c>, the executor image, what kaniko pushed).
/// </summary>
public sealed record ImageReference : IParsable<ImageReference>
{
    public ImageReference(string registry, string repository, string? tag = null, Digest? digest = null)
    {
        Registry = registry;
        Repository = RepositoryName.Validate(repository);
        Tag = tag is null ? null : RepositoryName.ValidateTag(tag);
        Digest = digest;
    }

    /// <summary>host[:port] as written.</summary>
    public string Registry { get; }
    public string Repository { get; }
    public string? Tag { get; }
    public Digest? Digest { get; }

    /// <summary>What the manifest endpoint is asked for: the digest when there is one, else the tag, else <c>latest</c>.</summary>
    public string Reference => Digest?.Value ?? Tag ?? "latest";

    public RegistrySpec RegistrySpec => new(Registry);

    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, null, digest);

    public ImageReference WithTag(string tag) => new(Registry, Repository, tag, null);

    /// <summary>
    /// Parses Docker's reference grammar: the first path component is the registry when it contains a '.' or a ':'
    /// or is <c>localhost</c>; otherwise the image is on Docker Hub.
    /// </summary>
    public static ImageReference Parse(string? value)
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
            throw new PipelineException("The image reference is empty; expected host[:port]/repository[:tag][@sha256:…].");
        Digest? digest = null;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = KanikoBuild.Registry.Digest.Parse(text[(at + 1)..], $"digest of the image reference '{value}'");
            text = text[..at];
        }
        string? tag = null;
        var lastColon = text.LastIndexOf(':');
        if (lastColon > text.LastIndexOf('/'))
        {
            tag = text[(lastColon + 1)..];
            text = text[..lastColon];
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        string registry;
        string repository;
        if (slash > 0 && (text[..slash].Contains('.', StringComparison.Ordinal) || text[..slash].Contains(':', StringComparison.Ordinal) || text[..slash] == "localhost"))
        {
            registry = text[..slash].ToLowerInvariant();
            repository = text[(slash + 1)..];
        }
        else
        {
            registry = "docker.io";
            repository = slash < 0 ? "library/" + text : text;
        }
        if (!RegistrySpec.IsValidHost(registry))
            throw new PipelineException($"The registry '{registry}' in the image reference '{value}' is not a valid host[:port].");
        if (!RepositoryName.IsValid(repository))
            throw new PipelineException($"The repository '{repository}' in the image reference '{value}' is not a valid repository name.");
        if (tag is not null && !RepositoryName.IsValidTag(tag))
            throw new PipelineException($"The tag '{tag}' in the image reference '{value}' is not valid.");
        return new ImageReference(registry, repository, tag, digest);
    }

    static ImageReference IParsable<ImageReference>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<ImageReference>.TryParse(string? s, IFormatProvider? provider, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out ImageReference result)
    {
        try
        {
            result = Parse(s);
            return true;
        }
        catch (PipelineException)
        {
            result = null;
            return false;
        }
    }

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";
}
