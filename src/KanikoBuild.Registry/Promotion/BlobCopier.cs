using Polly;

namespace KanikoBuild.Registry;

internal enum BlobOutcome
{
    AlreadyPresent,
    Mounted,
    Uploaded,
}

/// <summary>
/// Copies one blob: nothing when the destination has it, a cross-repository mount within one registry, else the
/// source's GET streamed into the destination's upload, digest checked on the way. Transient failures restart
/// the blob from the source.
/// </summary>
internal sealed class BlobCopier(RegistryClient source, string sourceRepository, RegistryClient destination, string destinationRepository)
{
    readonly ResiliencePipeline _retry = RetryPolicies.ForTransfers(destination.Options, destination.Logger, destination.Registry.Host);
    readonly bool _sameRegistry = string.Equals(source.Registry.ApiHost, destination.Registry.ApiHost, StringComparison.OrdinalIgnoreCase)
        && source.BaseUri == destination.BaseUri;

    public bool SameRegistry => _sameRegistry;

    /// <param name="onBytes">Called with bytes sent; a negative value takes back what a failed attempt had reported.</param>
    public async Task<BlobOutcome> CopyAsync(Descriptor blob, Action<long> onBytes, CancellationToken ct)
    {
        if (await destination.BlobExistsAsync(destinationRepository, blob.Digest, push: true, ct).ConfigureAwait(false))
            return BlobOutcome.AlreadyPresent;
        var chunked = destination.Options.UploadMode == UploadMode.Chunked;
        return await _retry.ExecuteAsync(async t =>
        {
            long sent = 0;
            try
            {
                var start = await destination.StartUploadAsync(destinationRepository, blob.Digest, _sameRegistry ? sourceRepository : null, t).ConfigureAwait(false);
                if (start.Mounted)
                    return BlobOutcome.Mounted;
                using var download = await source.OpenBlobAsync(sourceRepository, blob.Digest, t).ConfigureAwait(false);
                if (download.Length is { } length && length != blob.Size)
                {
                    await destination.CancelUploadAsync(destinationRepository, start.Location!).ConfigureAwait(false);
                    throw new BlobDigestMismatchException($"The source serves the blob {blob.Digest} with {length} bytes, but its manifest declares {blob.Size}; the source registry is inconsistent.");
                }
                void Count(long n)
                {
                    sent += n;
                    onBytes(n);
                }
                if (chunked)
                {
                    await destination.PatchBlobAsync(destinationRepository, start.Location!, blob.Digest, blob.Size, download.Content, destination.Options.ChunkSize, Count, t).ConfigureAwait(false);
                }
                else
                {
                    try
                    {
                        await destination.PutBlobAsync(destinationRepository, start.Location!, blob.Digest, blob.Size, download.Content, Count, t).ConfigureAwait(false);
                    }
                    catch (UploadTooLargeException) when (destination.Options.UploadMode == UploadMode.Auto)
                    {
                        destination.Logger.Information("Registry {Host} refused {Digest} in one request; sending it in chunks", destination.Registry.Host, Digest.Short(blob.Digest));
                        chunked = true;
                        throw new IOException("switching to a chunked upload");
                    }
                }
                return BlobOutcome.Uploaded;
            }
            catch when (sent > 0)
            {
                onBytes(-sent);
                throw;
            }
        }, ct).ConfigureAwait(false);
    }
}
