using System.Text.Json;
using System.Text.Json.Serialization;
using KanikoBuild.Scanning;

namespace KanikoBuild.Prisma.Results;

/// <summary><c>shared.ImageTag</c>: registry, repo, tag, digest, image id.</summary>
public sealed record ImageTag(string? Registry, string? Repo, string? Tag, string? Digest, string? Id)
{
    public override string ToString() => $"{Registry}/{Repo}:{Tag}";

    internal static ImageTag? From(RegistryImageTag? tag) => tag is null ? null : new(tag.Registry, tag.Repo, tag.Tag, tag.Digest, tag.Id);
}

/// <summary><c>vulnerabilityDistribution</c>: counts per bucket as the Console computed them.</summary>
public sealed record VulnerabilityDistribution(int Critical, int High, int Medium, int Low, int Total)
{
    internal static VulnerabilityDistribution? From(RegistryDistribution? d) => d is null ? null : new(d.Critical, d.High, d.Medium, d.Low, d.Total);
}

/// <summary>
/// One entry of <c>GET /registry</c> (a <c>shared.ImageScanResult</c>): the raw JSON, handed on whole to the
/// verdict, plus the identity the waiter needs to tell this image's result from an older one. The reading itself is
/// Scanning's <see cref="RegistryEntry"/>, the one lenient reader of this shape; Refit hands each array element to it.
/// </summary>
[JsonConverter(typeof(RegistryScanEntryConverter))]
public sealed class RegistryScanEntry
{
    readonly RegistryEntry _entry;

    RegistryScanEntry(RegistryEntry entry)
    {
        _entry = entry;
        RepoTag = ImageTag.From(entry.RepoTag);
        Tags = entry.Tags.Select(ImageTag.From).OfType<ImageTag>().ToList();
        Distribution = VulnerabilityDistribution.From(entry.Distribution);
    }

    /// <summary>The entry as the Console sent it (a clone: it outlives the response).</summary>
    public JsonElement Raw => _entry.Raw;

    /// <summary><c>_id</c>: image id or repo:tag.</summary>
    public string? ObjectId => _entry.ObjectId;

    /// <summary><c>id</c>: the image id, i.e. the config digest.</summary>
    public string? ImageId => _entry.ImageId;

    public ImageTag? RepoTag { get; }

    public IReadOnlyList<ImageTag> Tags { get; }

    /// <summary><c>registry/repo@sha256:…</c>.</summary>
    public IReadOnlyList<string> RepoDigests => _entry.RepoDigests;

    public DateTimeOffset? ScanTime => _entry.ScanTime;

    public DateTimeOffset? CreationTime => _entry.CreationTime;

    public DateTimeOffset? PushTime => _entry.PushTime;

    public VulnerabilityDistribution? Distribution { get; }

    /// <summary><c>err</c>: the Console could not scan the image.</summary>
    public string? Error => _entry.Error;

    /// <summary>Every manifest digest the entry names: from <c>repoDigests</c>, <c>repoTag.digest</c>, <c>tags[].digest</c>.</summary>
    public IReadOnlySet<string> ManifestDigests => _entry.ManifestDigests;

    public string DisplayName => RepoTag?.ToString() ?? ObjectId ?? ImageId ?? "(unnamed)";

    /// <summary>The findings, for the policy and the reports.</summary>
    public ScanResult ToScanResult() => _entry.ToScanResult();

    public static RegistryScanEntry Parse(JsonElement element) => new(RegistryEntry.Read(element));

    public override string ToString() =>
        $"{DisplayName} {string.Join(",", ManifestDigests)} scanned {ScanTime:O}";
}

/// <summary>Lets Refit deserialise <c>List&lt;RegistryScanEntry&gt;</c>: each element goes, as it is, to the lenient reader.</summary>
internal sealed class RegistryScanEntryConverter : JsonConverter<RegistryScanEntry>
{
    public override RegistryScanEntry? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            return null;
        CheckShape(document.RootElement);
        return RegistryScanEntry.Parse(document.RootElement);
    }

    // What the waiter matches on and the verdict counts: wrong-shaped, the entry would read as another image's or
    // as one without findings.
    static void CheckShape(JsonElement entry)
    {
        const string What = "a registry scan result";
        ConsoleShape.Expect(entry, What, "repoTag", JsonValueKind.Object);
        ConsoleShape.Expect(entry, What, "tags", JsonValueKind.Array);
        ConsoleShape.Expect(entry, What, "repoDigests", JsonValueKind.Array);
        ConsoleShape.Expect(entry, What, "vulnerabilities", JsonValueKind.Array);
        ConsoleShape.Expect(entry, What, "complianceIssues", JsonValueKind.Array);
        ConsoleShape.Expect(entry, What, "vulnerabilityDistribution", JsonValueKind.Object);
        ConsoleShape.Expect(entry, What, "scanTime", JsonValueKind.String, JsonValueKind.Number);
    }

    public override void Write(Utf8JsonWriter writer, RegistryScanEntry value, JsonSerializerOptions options) => value.Raw.WriteTo(writer);
}
