using System.Text.Json;

namespace KanikoBuild.Scanning;

/// <summary><c>shared.ImageTag</c> as the Console writes it: registry, repo (or repository), tag, digest, image id.</summary>
public sealed record RegistryImageTag(string? Registry, string? Repo, string? Tag, string? Digest, string? Id)
{
    internal static RegistryImageTag? From(JsonElement? element) => element is { ValueKind: JsonValueKind.Object } e
        ? new RegistryImageTag(e.String("registry"), e.String("repo", "repository"), e.String("tag"), e.String("digest"), e.String("id"))
        : null;

    /// <summary><c>registry/repo:tag</c>, or null without a repo.</summary>
    public string? ImageName => Repo is null ? null
        : (Registry is null ? Repo : $"{Registry.TrimEnd('/')}/{Repo}") + (Tag is null ? "" : $":{Tag}");
}

/// <summary><c>vulnerabilityDistribution</c>: the counts per bucket as the Console computed them.</summary>
public sealed record RegistryDistribution(int Critical, int High, int Medium, int Low, int Total)
{
    internal static RegistryDistribution? From(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
            return null;
        int Count(string name) => (int)(e.Long(name) ?? 0);
        return new RegistryDistribution(Count("critical"), Count("high"), Count("medium"), Count("low"), Count("total"));
    }
}

/// <summary>
/// One element of <c>GET /api/v{ver}/registry</c> (<c>shared.ImageScanResult</c>), read once, leniently, in this one
/// place (prisma.md §1.5, §2.3): which image it is (tag, digests, image id) and when it was scanned, for the waiter
/// that must tell this push's result from an older one, and <see cref="ToScanResult"/> for the verdict. The two
/// spellings of fields, numbers as strings, times as Unix seconds or RFC 3339, null lists: none fails a read.
/// </summary>
public sealed class RegistryEntry
{
    RegistryEntry(JsonElement raw)
    {
        Raw = raw;
        ObjectId = raw.String("_id");
        RepoTag = RegistryImageTag.From(raw.Get("repoTag"));
        ImageId = raw.String("id", "imageID", "imageId") ?? RepoTag?.Id;
        Tags = raw.Array("tags").Select(t => RegistryImageTag.From(t)).OfType<RegistryImageTag>().ToList();
        RepoDigests = raw.Array("repoDigests").Select(d => Lenient.AsString(d)).OfType<string>().ToList();
        ScanTime = raw.Date("scanTime");
        CreationTime = raw.Date("creationTime");
        PushTime = raw.Date("pushTime");
        Distribution = RegistryDistribution.From(raw.Get("vulnerabilityDistribution"));
        Error = raw.String("err");
    }

    /// <summary>The entry as the Console sent it (a clone: it outlives the response's document).</summary>
    public JsonElement Raw { get; }

    /// <summary><c>_id</c>: the image id or <c>repo:tag</c>.</summary>
    public string? ObjectId { get; }

    /// <summary><c>id</c> (or <c>imageID</c>, or <c>repoTag.id</c>): the image id, i.e. the config digest.</summary>
    public string? ImageId { get; }

    public RegistryImageTag? RepoTag { get; }

    public IReadOnlyList<RegistryImageTag> Tags { get; }

    /// <summary><c>registry/repo@sha256:…</c>.</summary>
    public IReadOnlyList<string> RepoDigests { get; }

    public DateTimeOffset? ScanTime { get; }

    public DateTimeOffset? CreationTime { get; }

    public DateTimeOffset? PushTime { get; }

    public RegistryDistribution? Distribution { get; }

    /// <summary><c>err</c>: the Console could not scan the image.</summary>
    public string? Error { get; }

    /// <summary>The image name: <c>repoTag</c>'s, else <c>_id</c> when it is <c>repo:tag</c> rather than an image id.</summary>
    public string? ImageName => RepoTag?.ImageName
        ?? (ObjectId is { } key && !key.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? key : null);

    /// <summary>Every manifest digest the entry names: from <c>repoDigests</c>, <c>repoTag.digest</c>, <c>tags[].digest</c>.</summary>
    public IReadOnlySet<string> ManifestDigests
    {
        get
        {
            var digests = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var repoDigest in RepoDigests)
            {
                var at = repoDigest.LastIndexOf('@');
                digests.Add(at >= 0 ? repoDigest[(at + 1)..] : repoDigest);
            }
            foreach (var tag in Tags.Append(RepoTag))
            {
                if (tag?.Digest is { } digest)
                    digests.Add(digest);
            }
            return digests;
        }
    }

    /// <summary>The manifest digest the result is for: <c>repoTag.digest</c>, else the first of <c>repoDigests</c>.</summary>
    public string? Digest => RepoTag?.Digest ?? RepoDigests.Select(DigestOf).FirstOrDefault(d => d is not null);

    public static RegistryEntry Read(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw new PipelineException($"A registry scan result must be a JSON object, got {entry.ValueKind}; check the Console's /api/v1/registry response.");
        return new RegistryEntry(entry.Clone());
    }

    /// <summary>The findings, for the policy and the reports.</summary>
    public ScanResult ToScanResult() => ScanResultReader.FromRegistryEntry(this);

    internal static string? DigestOf(string? reference)
    {
        if (reference is null)
            return null;
        var at = reference.LastIndexOf('@');
        return at >= 0 && reference[(at + 1)..].StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? reference[(at + 1)..] : null;
    }
}
