using System.Globalization;
using System.Text.Json;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.State;

/// <summary>
/// What one target hands to the next across separate invocations (separate CI jobs): a small folder under
/// <c>.nuke/temp/&lt;target&gt;/</c> holding the pushed image's digest, push time, and what the record is for
/// (<see cref="HandOffSubject"/>). Files, not memory, because <c>PushDev</c> and <c>Promote</c> often run in
/// different jobs with the workspace carried between them. The writer removes its earlier record before it starts
/// (<see cref="Clear"/>), so a failed push never leaves the previous digest behind; a reader takes the record only
/// for its own registry, repository, tag and build inputs (<see cref="ReadForAsync"/>).
/// </summary>
public sealed class HandOff(string temporaryDirectory, string target)
{
    public string Directory { get; } = Path.Combine(temporaryDirectory, target.ToLowerInvariant());

    public string DigestFile => Path.Combine(Directory, "digest");

    public string PushedAtFile => Path.Combine(Directory, "pushed-at");

    public string ReferenceFile => Path.Combine(Directory, "image");

    /// <summary>What the record is for: registry, repository, tag and the build inputs' fingerprint.</summary>
    public string SubjectFile => Path.Combine(Directory, "for.json");

    /// <summary>Removes the earlier record, before the target that writes it starts.</summary>
    public void Clear()
    {
        if (!System.IO.Directory.Exists(Directory))
            return;
        foreach (var file in new[] { DigestFile, PushedAtFile, ReferenceFile, SubjectFile })
            File.Delete(file);
    }

    public async Task WriteAsync(PushedImage image, HandOffSubject subject, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        // Written whole then renamed, so a reader never sees half a digest; the subject first, the digest last.
        await WriteAtomicallyAsync(SubjectFile, JsonSerializer.Serialize(subject, HandOffJson.Default.HandOffSubject), ct).ConfigureAwait(false);
        await WriteAtomicallyAsync(PushedAtFile, image.PushedAt.ToString("O", CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        await WriteAtomicallyAsync(ReferenceFile, image.Reference, ct).ConfigureAwait(false);
        await WriteAtomicallyAsync(DigestFile, image.Digest, ct).ConfigureAwait(false);
    }

    /// <summary>The recorded image and what it is for, or null when the target never ran here (or its last run failed).</summary>
    public async Task<RecordedImage?> ReadAsync(CancellationToken ct)
    {
        if (!File.Exists(DigestFile))
            return null;
        var text = (await File.ReadAllTextAsync(DigestFile, ct).ConfigureAwait(false)).Trim();
        if (!Digest.TryParse(text, out var digest))
            throw new PipelineException($"The digest recorded in '{DigestFile}' is not a sha256 digest ('{text}'); run the pushing target again or pass {ParameterName.Of<ImageOptions>(nameof(ImageOptions.Digest))}.");
        var pushedAt = File.Exists(PushedAtFile)
            && DateTimeOffset.TryParse((await File.ReadAllTextAsync(PushedAtFile, ct).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : File.GetLastWriteTimeUtc(DigestFile);
        var reference = File.Exists(ReferenceFile) ? (await File.ReadAllTextAsync(ReferenceFile, ct).ConfigureAwait(false)).Trim() : string.Empty;
        HandOffSubject? subject = null;
        if (File.Exists(SubjectFile))
        {
            try
            {
                subject = JsonSerializer.Deserialize(await File.ReadAllTextAsync(SubjectFile, ct).ConfigureAwait(false), HandOffJson.Default.HandOffSubject);
            }
            catch (JsonException)
            {
                subject = null;
            }
        }
        return new RecordedImage(new PushedImage(reference, digest, pushedAt), subject);
    }

    /// <summary>
    /// The recorded image when it was recorded for <paramref name="expected"/>; null when there is no record; a
    /// <see cref="PipelineException"/> naming both sides when the record is for another image, tag or build.
    /// </summary>
    public async Task<PushedImage?> ReadForAsync(HandOffSubject expected, CancellationToken ct)
    {
        var recorded = await ReadAsync(ct).ConfigureAwait(false);
        if (recorded is null)
            return null;
        var digestName = ParameterName.Of<ImageOptions>(nameof(ImageOptions.Digest));
        if (recorded.Subject is null)
            throw new PipelineException($"The digest recorded in '{DigestFile}' ({recorded.Image.Digest}) does not say what it was pushed for (no {SubjectFile}; an older KanikoBuild wrote it); it is not used. Run PushDev again, or pass {digestName}.");
        if (recorded.Subject.Mismatch(expected) is { } mismatch)
            throw new PipelineException($"The digest recorded in '{DigestFile}' ({recorded.Image.Digest}) was pushed for {recorded.Subject}, not for this run's {expected} ({mismatch}); it is not used. Run PushDev for this tag first, or pass {digestName} of the image you mean.");
        return recorded.Image;
    }

    static async Task WriteAtomicallyAsync(string path, string content, CancellationToken ct)
    {
        var partial = path + ".partial";
        await File.WriteAllTextAsync(partial, content + "\n", ct).ConfigureAwait(false);
        File.Move(partial, path, overwrite: true);
    }
}

/// <summary>An image as pushed: its reference without digest, its manifest digest, and when the push finished.</summary>
public sealed record PushedImage(string Reference, Digest Digest, DateTimeOffset PushedAt);

/// <summary>A hand-off record as read: the image, and what it was recorded for (null for a record that does not say).</summary>
public sealed record RecordedImage(PushedImage Image, HandOffSubject? Subject);

/// <summary>
/// What a recorded digest is for: the registry host, the repository, the tag, and the fingerprint of the build
/// inputs it was built from (<see cref="Building.BuildFingerprint"/>; null when the reader cannot compute one).
/// </summary>
public sealed record HandOffSubject(string Registry, string Repository, string Tag, string? Fingerprint)
{
    /// <summary>What differs from <paramref name="expected"/>, or null. A fingerprint counts only when both sides have one.</summary>
    public string? Mismatch(HandOffSubject expected)
    {
        if (!string.Equals(Registry, expected.Registry, StringComparison.Ordinal))
            return $"registry {Registry} ≠ {expected.Registry}";
        if (!string.Equals(Repository, expected.Repository, StringComparison.Ordinal))
            return $"repository {Repository} ≠ {expected.Repository}";
        if (!string.Equals(Tag, expected.Tag, StringComparison.Ordinal))
            return $"tag {Tag} ≠ {expected.Tag}";
        if (Fingerprint is not null && expected.Fingerprint is not null && !string.Equals(Fingerprint, expected.Fingerprint, StringComparison.Ordinal))
            return "the Dockerfile, context, stage or build arguments changed since";
        return null;
    }

    public override string ToString() => $"{Registry}/{Repository}:{Tag}";
}

[System.Text.Json.Serialization.JsonSerializable(typeof(HandOffSubject))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class HandOffJson : System.Text.Json.Serialization.JsonSerializerContext;
