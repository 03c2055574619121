using System.Buffers;
using System.Net;
using KanikoBuild.Http;

namespace KanikoBuild.Registry;

/// <summary>
/// Streams a blob from <paramref name="source"/> into a request body while hashing it. The last piece is held
/// back until the digest checks out, so a corrupt blob never reaches the registry complete: the request is cut
/// short and the registry discards the upload.
/// </summary>
internal sealed class VerifyingBlobContent(Stream source, string digest, long size, Action<long>? onBytes) : OneShotContent
{
    const int BufferSize = 256 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var hasher = Digest.CreateHasher(digest);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    break;
                total += read;
                if (total > size)
                    throw new BlobDigestMismatchException($"The blob {digest} is larger than the {size} bytes its manifest declares; the source registry serves different content.");
                hasher.AppendData(buffer, 0, read);
                if (total == size)
                {
                    var actual = Digest.Format(digest, hasher.GetHashAndReset());
                    if (actual != digest)
                        throw new BlobDigestMismatchException($"The blob {digest} read from the source hashes to {actual}: it was corrupted on the way or in the source registry. The upload was aborted; nothing was tagged.");
                }
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                onBytes?.Invoke(read);
            }
            if (total < size)
                throw new IOException($"The source ended the blob {digest} after {total} of {size} bytes.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = size;
        return true;
    }
}
