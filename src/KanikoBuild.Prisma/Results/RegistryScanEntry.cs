using System.Text.Json;

namespace KanikoBuild.Prisma.Results;

/// <summary><c>shared.ImageTag</c>: registry, repo, tag, digest, image id.</summary>
public sealed record ImageTag(string? Registry, string? Repo, string? Tag, string? Digest, string? Id)
{
    public override string ToString() => $"{Registry}/{Repo}:{Tag}";

    internal static ImageTag? From(JsonElement? element) => element is { ValueKind: JsonValueKind.Object } e
        ? new ImageTag(JsonLenient.String(e, "registry"), JsonLenient.String(e, "repo", "repository"), JsonLenient.String(e, "tag"),
            JsonLenient.String(e, "digest"), JsonLenient.String(e, "id"))
        : null;
}

/// <summary><c>vulnerabilityDistribution</c>: counts per bucket as the Console computed them.</summary>
public sealed record VulnerabilityDistribution(int Critical, int High, int Medium, int Low, int Total)
{
    internal static VulnerabilityDistribution? From(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
            return null;
        int Count(string name) => (int)(JsonLenient.Integer(e, name) ?? 0);
        return new VulnerabilityDistribution(Count("critical"), Count("high"), Count("medium"), Count("low"), Count("total"));
    }
}

/// <summary>
/// One entry of <c>GET /registry</c> (a <c>shared.ImageScanResult</c>): the raw JSON, handed on whole to the
/// verdict, plus the identity the waiter needs to tell this image's result from an older one.
/// </summary>
public sealed class RegistryScanEntry
{
    RegistryScanEntry(JsonElement raw)
    {
        Raw = raw;
        ObjectId = JsonLenient.String(raw, "_id");
        ImageId = JsonLenient.String(raw, "id", "imageID", "imageId");
        RepoTag = ImageTag.From(JsonLenient.Property(raw, "repoTag"));
        Tags = JsonLenient.Array(raw, "tags").Select(t => ImageTag.From(t)).OfType<ImageTag>().ToList();
        RepoDigests = JsonLenient.Array(raw, "repoDigests").Where(d => d.ValueKind == JsonValueKind.String).Select(d => d.GetString()!).ToList();
        ScanTime = JsonLenient.Time(raw, "scanTime");
        CreationTime = JsonLenient.Time(raw, "creationTime");
        PushTime = JsonLenient.Time(raw, "pushTime");
        Distribution = VulnerabilityDistribution.From(JsonLenient.Property(raw, "vulnerabilityDistribution"));
        Error = JsonLenient.String(raw, "err") is { Length: > 0 } err ? err : null;
    }

    /// <summary>The entry as the Console sent it (a clone: it outlives the response).</summary>
    public JsonElement Raw { get; }

    /// <summary><c>_id</c>: image id or repo:tag.</summary>
    public string? ObjectId { get; }

    /// <summary><c>id</c>: the image id, i.e. the config digest.</summary>
    public string? ImageId { get; }

    public ImageTag? RepoTag { get; }

    public IReadOnlyList<ImageTag> Tags { get; }

    /// <summary><c>registry/repo@sha256:…</c>.</summary>
    public IReadOnlyList<string> RepoDigests { get; }

    public DateTimeOffset? ScanTime { get; }

    public DateTimeOffset? CreationTime { get; }

    public DateTimeOffset? PushTime { get; }

    public VulnerabilityDistribution? Distribution { get; }

    /// <summary><c>err</c>: the Console could not scan the image.</summary>
    public string? Error { get; }

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
                if (!string.IsNullOrEmpty(tag?.Digest))
                    digests.Add(tag.Digest);
            }
            return digests;
        }
    }

    public string DisplayName => RepoTag?.ToString() ?? ObjectId ?? ImageId ?? "(unnamed)";

    public static RegistryScanEntry Parse(JsonElement element) => new(element.Clone());

    public override string ToString() =>
        $"{DisplayName} {string.Join(",", ManifestDigests)} scanned {ScanTime:O}";
}
