using System.Globalization;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.State;

/// <summary>
/// What one target hands to the next across separate invocations (separate CI jobs): a small folder under
/// <c>.nuke/temp/&lt;target&gt;/</c> holding the pushed image's digest and push time. Files, not memory,
/// because <c>PushDev</c> and <c>Promote</c> often run in different jobs with the workspace carried between them.
/// </summary>
public sealed class HandOff(string temporaryDirectory, string target)
{
    public string Directory { get; } = Path.Combine(temporaryDirectory, target.ToLowerInvariant());

    public string DigestFile => Path.Combine(Directory, "digest");

    public string PushedAtFile => Path.Combine(Directory, "pushed-at");

    public string ReferenceFile => Path.Combine(Directory, "image");

    public async Task WriteAsync(PushedImage image, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        // Written whole then renamed, so a reader never sees half a digest.
        await WriteAtomicallyAsync(DigestFile, image.Digest, ct).ConfigureAwait(false);
        await WriteAtomicallyAsync(PushedAtFile, image.PushedAt.ToString("O", CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        await WriteAtomicallyAsync(ReferenceFile, image.Reference, ct).ConfigureAwait(false);
    }

    /// <summary>The recorded image, or null when the target never ran here.</summary>
    public async Task<PushedImage?> ReadAsync(CancellationToken ct)
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
        return new PushedImage(reference, digest, pushedAt);
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
