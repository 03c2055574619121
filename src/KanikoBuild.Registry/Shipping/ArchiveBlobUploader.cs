using Polly;

namespace KanikoBuild.Registry;

/// <summary>
/// Uploads one blob of a scanned tarball to one repository: nothing when the repository has it, a cross-repository
/// mount when another repository of the same registry got it earlier in this push, else the bytes streamed from the
/// tarball (checked against the digest on the way, so a tarball changed since it was opened never lands). Transient
/// failures restart the blob from the tarball.
/// </summary>
internal sealed class ArchiveBlobUploader(RegistryClient client)
{
    readonly ResiliencePipeline _retry = RetryPolicies.ForTransfers(client.Options, client.Logger, client.Registry.Host);

    public async Task<BlobOutcome> UploadAsync(string repository, string digest, long size, Func<Stream> open, string? mountFrom, CancellationToken ct)
    {
        if (await client.BlobExistsAsync(repository, digest, push: true, ct).ConfigureAwait(false))
            return BlobOutcome.AlreadyPresent;
        var chunked = client.Options.UploadMode == UploadMode.Chunked;
        return await _retry.ExecuteAsync(async t =>
        {
            var start = await client.StartUploadAsync(repository, digest, mountFrom, t).ConfigureAwait(false);
            if (start.Mounted)
                return BlobOutcome.Mounted;
            await using var content = open();
            if (chunked)
            {
                await client.PatchBlobAsync(repository, start.Location!, digest, size, content, client.Options.ChunkSize, null, t).ConfigureAwait(false);
                return BlobOutcome.Uploaded;
            }
            try
            {
                await client.PutBlobAsync(repository, start.Location!, digest, size, content, null, t).ConfigureAwait(false);
            }
            catch (UploadTooLargeException) when (client.Options.UploadMode == UploadMode.Auto)
            {
                client.Logger.Information("Registry {Host} refused {Digest} in one request; sending it in chunks", client.Registry.Host, Digest.Short(digest));
                chunked = true;
                throw new IOException("switching to a chunked upload");
            }
            return BlobOutcome.Uploaded;
        }, ct).ConfigureAwait(false);
    }
}
