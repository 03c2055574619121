using KanikoBuild.Prisma.Results;
using KanikoBuild.Registry;

namespace KanikoBuild.Prisma.Waiting;

/// <summary>The image whose scan AwaitScan waits for, and how long it may wait: typed values the caller checked.</summary>
public sealed record ScanWaitRequest
{
    /// <summary>The registry the Console scans, with its path prefix (<c>--dev-registry</c>).</summary>
    public required RegistrySpec DevRegistry { get; init; }

    /// <summary>Repository below the dev registry's prefix, as <c>--image</c>.</summary>
    public required string Repository { get; init; }

    public required string Tag { get; init; }

    /// <summary>The pushed manifest (or index) digest.</summary>
    public required Digest ManifestDigest { get; init; }

    /// <summary>The pushed image's config digest (the Console's image id), when known.</summary>
    public Digest? ConfigDigest { get; init; }

    /// <summary>When the image was pushed; results scanned before it (less <see cref="ClockSkew"/>) do not count.</summary>
    public DateTimeOffset? PushedAt { get; init; }

    /// <summary>Allowance for the Console's clock being behind the runner's: a result of the same digest scanned a
    /// little "before" the push is still a scan of these bytes.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    public bool TriggerScan { get; init; } = true;

    public TimeSpan Timeout { get; init; } = ScanWaitOptions.DefaultTimeout;

    /// <summary>The registry host as the Console names it (host[:port]).</summary>
    public string RegistryHost => DevRegistry.Host;

    /// <summary>The repository as the Console names it: the dev registry's path prefix, then the image.</summary>
    public string ConsoleRepository
    {
        get
        {
            var image = Repository.Trim().Trim('/');
            return DevRegistry.PathPrefix is { } prefix ? $"{prefix}/{image}" : image;
        }
    }

    /// <summary><c>registry/repo:tag</c>, the Console's full image name.</summary>
    public string ImageName => $"{RegistryHost}/{ConsoleRepository}:{Tag}";

    /// <summary>What the types cannot say: a repository name without tag or digest, a tag, a positive timeout.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Repository) || Repository.Contains(':') || Repository.Contains('@'))
            throw new PipelineException($"{ParameterName.Of<ImageOptions>(nameof(ImageOptions.Name))} '{Repository}' is not a repository name (no registry, tag or digest), e.g. team/app.");
        if (string.IsNullOrWhiteSpace(Tag))
            throw new PipelineException($"{ParameterName.Of<ImageOptions>(nameof(ImageOptions.Tag))} is required: the Console names registry results by tag.");
        if (ManifestDigest == default)
            throw new PipelineException($"No manifest digest to wait for: {ParameterName.Of<ImageOptions>(nameof(ImageOptions.Digest))} or the digest PushDev recorded.");
        if (Timeout <= TimeSpan.Zero)
            throw new PipelineException($"{ParameterName.Of<ScanWaitOptions>(nameof(ScanWaitOptions.ScanTimeout))} must be positive.");
    }
}

/// <summary>The Console's result for exactly the pushed image, and what the wait cost.</summary>
public sealed record ScanWaitResult(RegistryScanEntry Entry, TimeSpan Waited, int Polls, long Requests);
