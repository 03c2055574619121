using System.Text.Json;

namespace KanikoBuild.Signing;

/// <summary>
/// The "simple signing" payload cosign signs (signing.md §2): what is signed is these bytes, so they are made once,
/// signed, and uploaded unchanged. Members are in Go's sorted order with no whitespace, as cosign writes them.
/// </summary>
public static class SimpleSigningPayload
{
    public const string SignatureType = "cosign container image signature";

    public const string Creator = "creator";
    public const string Timestamp = "timestamp";

    /// <param name="dockerReference">The repository as consumers pull it, <c>host[:port]/path</c>, without tag or digest.</param>
    /// <param name="manifestDigest">The signed image manifest's digest.</param>
    /// <param name="annotations">String members of <c>optional</c> (e.g. <see cref="VerdictAnnotations.From"/>).</param>
    /// <param name="creator">The <c>creator</c> member (a string, as containers/image requires); omitted when null.</param>
    /// <param name="timestamp">The <c>timestamp</c> member in whole Unix seconds (an integer, as containers/image requires); omitted when null.</param>
    public static byte[] Create(string dockerReference, string manifestDigest, IEnumerable<KeyValuePair<string, string>> annotations,
        string? creator = null, DateTimeOffset? timestamp = null)
    {
        var digest = KanikoBuild.Registry.Digest.Parse(manifestDigest, "manifest digest");
        var optional = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in annotations)
        {
            if (key is Creator or Timestamp)
                throw new ArgumentException($"The annotation '{key}' is reserved for the payload's own member.", nameof(annotations));
            if (!optional.TryAdd(key, value))
                throw new ArgumentException($"The annotation '{key}' is given twice; a payload with a duplicate key is refused by verifiers.", nameof(annotations));
        }
        if (creator is not null)
            optional[Creator] = creator;
        if (timestamp is { } time)
            optional[Timestamp] = time.ToUnixTimeSeconds();
        return JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("critical");
            writer.WriteStartObject("identity");
            writer.WriteString("docker-reference", dockerReference);
            writer.WriteEndObject();
            writer.WriteStartObject("image");
            writer.WriteString("docker-manifest-digest", digest);
            writer.WriteEndObject();
            writer.WriteString("type", SignatureType);
            writer.WriteEndObject();
            // Always present: containers/image refuses a payload without it (an empty object is fine).
            writer.WriteStartObject("optional");
            foreach (var (key, value) in optional)
            {
                if (value is long seconds)
                    writer.WriteNumber(key, seconds);
                else
                    writer.WriteString(key, (string)value);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// Parses a payload as strictly as containers/image does (signing.md §2): exactly <c>critical</c> and
    /// <c>optional</c>; in <c>critical</c> exactly <c>type</c>, <c>image</c>, <c>identity</c>; no duplicate key
    /// anywhere; <c>creator</c> a string and <c>timestamp</c> an integer when present. Call it only on bytes whose
    /// signature verified: the JSON is untrusted before that.
    /// </summary>
    /// <exception cref="StrictJsonException">with the rule broken, worded as verifiers word it.</exception>
    public static SignedPayload Parse(ReadOnlyMemory<byte> bytes)
    {
        using var document = StrictJson.Parse(bytes);
        var top = StrictJson.ExactMembers(document.RootElement, "The payload", "critical", "optional");
        var critical = StrictJson.ExactMembers(top["critical"], "Field critical", "type", "image", "identity");
        var type = StrictJson.String(critical["type"], "critical.type");
        if (type != SignatureType)
            throw new StrictJsonException($"Unrecognized signature type {type}");
        var image = StrictJson.ExactMembers(critical["image"], "Field critical.image", "docker-manifest-digest");
        var digest = StrictJson.String(image["docker-manifest-digest"], "critical.image.docker-manifest-digest");
        if (!KanikoBuild.Registry.Digest.IsValid(digest))
            throw new StrictJsonException($"Field critical.image.docker-manifest-digest \"{digest}\" is not a digest");
        var identity = StrictJson.ExactMembers(critical["identity"], "Field critical.identity", "docker-reference");
        var reference = StrictJson.String(identity["docker-reference"], "critical.identity.docker-reference");

        var optional = top["optional"];
        string? creator = null;
        long? timestamp = null;
        switch (optional.ValueKind)
        {
            case JsonValueKind.Null:
                break;
            case JsonValueKind.Object:
                if (optional.TryGetProperty(Creator, out var c))
                    creator = StrictJson.String(c, "optional.creator");
                if (optional.TryGetProperty(Timestamp, out var t))
                    timestamp = Integer(t);
                break;
            default:
                throw new StrictJsonException("Field optional is neither null nor a JSON object");
        }
        return new SignedPayload(reference, digest, creator, timestamp, VerdictAnnotations.Read(optional));
    }

    // Go reads the number as a float64 and then requires it to be whole.
    static long Integer(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && Math.Floor(number) == number
            && number is >= -9.2e18 and <= 9.2e18)
            return (long)number;
        throw new StrictJsonException("Field optional.timestamp is not an integer");
    }
}

/// <summary>A payload that parsed strictly: what its signer claims.</summary>
/// <param name="DockerReference">The identity as signed (<c>critical.identity.docker-reference</c>).</param>
/// <param name="ManifestDigest">The signed digest (<c>critical.image.docker-manifest-digest</c>).</param>
/// <param name="Verdict">The verdict in <c>optional</c>, or null when the payload carries none (a plain cosign signature).</param>
public sealed record SignedPayload(string DockerReference, string ManifestDigest, string? Creator, long? Timestamp, VerdictClaims? Verdict);
