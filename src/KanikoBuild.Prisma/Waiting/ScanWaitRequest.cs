using System.Text.RegularExpressions;
using KanikoBuild.Prisma.Results;

namespace KanikoBuild.Prisma.Waiting;

/// <summary>The image whose scan AwaitScan waits for, and how long it may wait.</summary>
public sealed partial record ScanWaitRequest
{
    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex Digest();

    /// <summary>host[:port][/path-prefix], as <c>--dev-registry</c>.</summary>
    public required string DevRegistry { get; init; }

    /// <summary>Repository below the dev registry's prefix, as <c>--image</c>.</summary>
    public required string Repository { get; init; }

    public required string Tag { get; init; }

    /// <summary>The pushed manifest (or index) digest.</summary>
    public required string ManifestDigest { get; init; }

    /// <summary>The pushed image's config digest (the Console's image id), when known.</summary>
    public string? ConfigDigest { get; init; }

    /// <summary>When the image was pushed; results scanned before it (less <see cref="ClockSkew"/>) do not count.</summary>
    public DateTimeOffset? PushedAt { get; init; }

    /// <summary>Allowance for the Console's clock being behind the runner's: a result of the same digest scanned a
    /// little "before" the push is still a scan of these bytes.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    public bool TriggerScan { get; init; } = true;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The registry host as the Console names it (host[:port]).</summary>
    public string RegistryHost => DevRegistry.Trim().TrimEnd('/').Split('/', 2)[0];

    /// <summary>The repository as the Console names it: the dev registry's path prefix, then the image.</summary>
    public string ConsoleRepository
    {
        get
        {
            var parts = DevRegistry.Trim().TrimEnd('/').Split('/', 2);
            var image = Repository.Trim().Trim('/');
            return parts.Length == 2 && parts[1].Length > 0 ? $"{parts[1]}/{image}" : image;
        }
    }

    /// <summary><c>registry/repo:tag</c>, the Console's full image name.</summary>
    public string ImageName => $"{RegistryHost}/{ConsoleRepository}:{Tag}";

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DevRegistry) || DevRegistry.Contains("://", StringComparison.Ordinal))
            throw new PipelineException($"--dev-registry '{DevRegistry}' is not host[:port][/prefix] (no scheme), e.g. registry.example.com/dev.");
        if (string.IsNullOrWhiteSpace(Repository) || Repository.Contains(':') || Repository.Contains('@'))
            throw new PipelineException($"--image '{Repository}' is not a repository name (no registry, tag or digest), e.g. team/app.");
        if (string.IsNullOrWhiteSpace(Tag))
            throw new PipelineException("--tag is required: the Console names registry results by tag.");
        if (!Digest().IsMatch(ManifestDigest))
            throw new PipelineException($"The image digest '{ManifestDigest}' is not sha256:<64 hex digits>; check --image-digest.");
        if (ConfigDigest is not null && !Digest().IsMatch(ConfigDigest))
            throw new PipelineException($"The config digest '{ConfigDigest}' is not sha256:<64 hex digits>.");
        if (Timeout <= TimeSpan.Zero)
            throw new PipelineException("--scan-timeout must be positive.");
    }
}

/// <summary>The Console's result for exactly the pushed image, and what the wait cost.</summary>
public sealed record ScanWaitResult(RegistryScanEntry Entry, TimeSpan Waited, int Polls, long Requests);
