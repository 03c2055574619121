using System.Net;

namespace KanikoBuild.Registry;

/// <summary>
/// Small artifacts held in memory (signature payloads, attestation envelopes, their configs and manifests), as
/// opposed to image layers, which are streamed. What the signing code needs of a registry beyond the promotion's
/// needs: a lookup that treats "absent" as an answer, blob upload and download from and to bytes, and a PUT of
/// manifest bytes with a given media type.
/// </summary>
public sealed partial class RegistryClient
{
    /// <summary>The manifest under a tag or digest, or null when the registry has none (404).</summary>
    public async Task<RegistryManifest?> FindManifestAsync(string repository, string reference, CancellationToken ct = default)
    {
        try
        {
            return await GetManifestAsync(repository, reference, ct).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Uploads <paramref name="content"/> as a blob unless the repository has it; returns its digest.</summary>
    public async Task<string> PushBlobAsync(string repository, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        var digest = Digest.Sha256(content.Span);
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        await PushBlobAsync(repository, digest, content.Length, stream, ct).ConfigureAwait(false);
        return digest;
    }

    /// <summary>
    /// Reads a whole blob into memory, refusing more than <paramref name="maxBytes"/>, and checks it against its
    /// digest (a <see cref="BlobDigestMismatchException"/> otherwise).
    /// </summary>
    public async Task<byte[]> ReadBlobAsync(string repository, string digest, long maxBytes, CancellationToken ct = default)
    {
        var what = $"Reading the blob {digest} from {Registry.Host}/{repository}";
        using var timeout = Timeout(ct);
        using var download = await OpenBlobAsync(repository, digest, timeout.Token).ConfigureAwait(false);
        if (download.Length > maxBytes)
            throw new PipelineException($"{what}: the registry announced {download.Length} bytes, more than the {maxBytes} allowed for it.");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await download.Content.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new PipelineException($"{what}: more than the {maxBytes} bytes allowed for it.");
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.ToArray();
        using var hasher = Digest.CreateHasher(digest);
        hasher.AppendData(bytes);
        var actual = Digest.Format(digest, hasher.GetHashAndReset());
        if (actual != digest)
            throw new BlobDigestMismatchException($"The blob {digest} from {Registry.Host}/{repository} hashes to {actual}: the registry served different bytes than requested.");
        return bytes;
    }

    /// <summary>
    /// <c>PUT</c> of manifest bytes exactly as given, with <paramref name="mediaType"/> as the Content-Type. Returns the
    /// digest, checked against the registry's answer.
    /// </summary>
    public Task<string> PutManifestAsync(string repository, string reference, ReadOnlyMemory<byte> bytes, string mediaType, CancellationToken ct = default) =>
        PutManifestAsync(repository, reference, RegistryManifest.Parse(bytes, mediaType), ct);
}
