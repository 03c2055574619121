using System.Net;
using System.Net.Http.Headers;

namespace KanikoBuild.Registry;

/// <summary>An open blob download; dispose to release the connection.</summary>
public sealed class BlobDownload(HttpResponseMessage response, Stream content, long? length) : IDisposable
{
    public Stream Content { get; } = content;
    public long? Length { get; } = length;

    public void Dispose()
    {
        Content.Dispose();
        response.Dispose();
    }
}

/// <summary>The answer to starting an upload: mounted (done), or a session to send the bytes to.</summary>
internal sealed record UploadStart(bool Mounted, Uri? Location);

public sealed partial class RegistryClient
{
    /// <summary><c>HEAD /v2/&lt;repository&gt;/blobs/&lt;digest&gt;</c>.</summary>
    public async Task<bool> BlobExistsAsync(string repository, string digest, bool push = false, CancellationToken ct = default)
    {
        using var timeout = Timeout(ct);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, ApiUri($"{repository}/blobs/{digest}")), repository, push, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, $"Checking the blob {Digest.Short(digest)} in {Registry.Host}/{repository}", ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// <c>GET</c> of a blob, streamed. Redirects (to storage such as S3) are followed by hand, so the registry's
    /// Authorization header is never sent to another host.
    /// </summary>
    public async Task<BlobDownload> OpenBlobAsync(string repository, string digest, CancellationToken ct = default)
    {
        var what = $"Reading the blob {Digest.Short(digest)} from {Registry.Host}/{repository}";
        var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, ApiUri($"{repository}/blobs/{digest}")), repository, push: false, ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        for (var hops = 0; IsRedirect(response.StatusCode) && hops < 5; hops++)
        {
            var location = response.Headers.Location ?? throw new PipelineException($"{what}: a redirect without a Location.");
            var target = location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
            response.Dispose();
            var sameHost = target.Authority.Equals(_baseUri!.Authority, StringComparison.OrdinalIgnoreCase);
            response = sameHost
                ? await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, target), repository, push: false, ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false)
                : await SendForeignAsync(new HttpRequestMessage(HttpMethod.Get, target), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        if (!response.IsSuccessStatusCode)
        {
            using (response)
                throw await FailureAsync(response, what, ct).ConfigureAwait(false);
        }
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return new BlobDownload(response, stream, response.Content.Headers.ContentLength);
    }

    static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
        or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>
    /// <c>POST /v2/&lt;repository&gt;/blobs/uploads/</c>, with <c>?mount=&amp;from=</c> when a repository of the same registry
    /// holds the blob. 201 means mounted; 202 opens an upload. A refused mount falls back to a plain upload.
    /// </summary>
    internal async Task<UploadStart> StartUploadAsync(string repository, string digest, string? mountFrom, CancellationToken ct)
    {
        using var timeout = Timeout(ct);
        var what = $"Starting the upload of {Digest.Short(digest)} to {Registry.Host}/{repository}";
        if (mountFrom is not null)
        {
            _auth?.Require(mountFrom, push: false);
            using var mount = await SendAsync(() => PostUpload($"{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(mountFrom)}"),
                repository, push: true, timeout.Token).ConfigureAwait(false);
            if (mount.StatusCode == HttpStatusCode.Created)
                return new UploadStart(true, null);
            if (mount.StatusCode == HttpStatusCode.Accepted && mount.Headers.Location is { } session)
                return new UploadStart(false, Resolve(session.OriginalString));
            _logger.Debug("Registry {Host}: mounting {Digest} from {From} answered {Status}; uploading instead", Registry.Host, Digest.Short(digest), mountFrom, (int)mount.StatusCode);
        }
        using var response = await SendAsync(() => PostUpload($"{repository}/blobs/uploads/"), repository, push: true, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw await FailureAsync(response, what, ct).ConfigureAwait(false);
        var location = response.Headers.Location ?? throw new PipelineException($"{what}: the registry opened no upload session (no Location).");
        return new UploadStart(false, Resolve(location.OriginalString));
    }

    HttpRequestMessage PostUpload(string relative) =>
        new(HttpMethod.Post, ApiUri(relative)) { Content = new ByteArrayContent([]) };

    static Uri WithDigest(Uri location, string digest)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "digest=" + Uri.EscapeDataString(digest);
        return builder.Uri;
    }

    /// <summary>Completes an upload session with one streamed PUT of the whole blob.</summary>
    internal async Task PutBlobAsync(string repository, Uri location, string digest, long size, Stream source, Action<long>? onBytes, CancellationToken ct)
    {
        var what = $"Uploading the blob {Digest.Short(digest)} to {Registry.Host}/{repository}";
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(() =>
            {
                var content = new VerifyingBlobContent(source, digest, size, n => { CountUploaded(n); onBytes?.Invoke(n); });
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                return new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = content };
            }, repository, push: true, ct, retry: false).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (RetryPolicies.Find<BlobDigestMismatchException>(e) is { } mismatch)
        {
            await CancelUploadAsync(repository, location).ConfigureAwait(false);
            throw mismatch;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            await CancelUploadAsync(repository, location).ConfigureAwait(false);
            throw;
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
                throw new UploadTooLargeException(await FailureAsync(response, what, ct).ConfigureAwait(false));
            if (!response.IsSuccessStatusCode)
                throw await FailureAsync(response, what, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the blob in PATCH chunks (<c>Content-Range: start-end</c>), then closes the session with
    /// <c>PUT ?digest=</c>. One chunk is in memory at a time; the digest is checked before the last chunk goes.
    /// </summary>
    internal async Task PatchBlobAsync(string repository, Uri location, string digest, long size, Stream source, int chunkSize, Action<long>? onBytes, CancellationToken ct)
    {
        var what = $"Uploading the blob {Digest.Short(digest)} in chunks to {Registry.Host}/{repository}";
        using var hasher = Digest.CreateHasher(digest);
        var buffer = new byte[(int)Math.Min(chunkSize, Math.Max(size, 1))];
        long offset = 0;
        try
        {
            while (offset < size)
            {
                var length = 0;
                while (length < buffer.Length && offset + length < size)
                {
                    var read = await source.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length - length, size - offset - length)), ct).ConfigureAwait(false);
                    if (read == 0)
                        throw new IOException($"The source ended the blob {digest} after {offset + length} of {size} bytes.");
                    length += read;
                }
                hasher.AppendData(buffer, 0, length);
                if (offset + length == size)
                {
                    var actual = Digest.Format(digest, hasher.GetHashAndReset());
                    if (actual != digest)
                        throw new BlobDigestMismatchException($"The blob {digest} read from the source hashes to {actual}: it was corrupted on the way or in the source registry. The upload was aborted; nothing was tagged.");
                }
                var start = offset;
                var count = length;
                var target = location;
                using var response = await SendAsync(() =>
                {
                    var content = new ByteArrayContent(buffer, 0, count);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + count - 1}");
                    return new HttpRequestMessage(HttpMethod.Patch, target) { Content = content };
                }, repository, push: true, ct, retry: false).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.Accepted)
                    throw await FailureAsync(response, what, ct).ConfigureAwait(false);
                location = response.Headers.Location is { } next ? Resolve(next.OriginalString) : location;
                offset += count;
                CountUploaded(count);
                onBytes?.Invoke(count);
            }
            if (size == 0)
            {
                var actual = Digest.Format(digest, hasher.GetHashAndReset());
                if (actual != digest)
                    throw new BlobDigestMismatchException($"The empty blob does not have the digest {digest}.");
            }
            var final = location;
            using var close = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, WithDigest(final, digest)) { Content = new ByteArrayContent([]) },
                repository, push: true, ct, retry: false).ConfigureAwait(false);
            if (!close.IsSuccessStatusCode)
                throw await FailureAsync(close, what, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await CancelUploadAsync(repository, location).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary><c>DELETE</c> of an upload session, best effort: the registry expires abandoned sessions anyway.</summary>
    internal async Task CancelUploadAsync(string repository, Uri location)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _options.TimeProvider);
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, location), repository, push: true, timeout.Token, retry: false).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or PipelineException)
        {
            _logger.Debug("Registry {Host}: cancelling an upload session failed ({Message})", Registry.Host, e.Message);
        }
    }

    /// <summary>
    /// Pushes a blob from a stream (checked against <paramref name="digest"/> on the way), unless the repository
    /// has it already. Returns false when it was there.
    /// </summary>
    public async Task<bool> PushBlobAsync(string repository, string digest, long size, Stream content, CancellationToken ct = default)
    {
        if (await BlobExistsAsync(repository, digest, push: true, ct).ConfigureAwait(false))
            return false;
        var start = await StartUploadAsync(repository, digest, null, ct).ConfigureAwait(false);
        if (_options.UploadMode == UploadMode.Chunked)
            await PatchBlobAsync(repository, start.Location!, digest, size, content, _options.ChunkSize, null, ct).ConfigureAwait(false);
        else
            await PutBlobAsync(repository, start.Location!, digest, size, content, null, ct).ConfigureAwait(false);
        return true;
    }
}

/// <summary>The registry refused a whole blob in one request (413): the copy switches to chunks.</summary>
internal sealed class UploadTooLargeException(RegistryException inner) : PipelineException(inner.Message, inner);
