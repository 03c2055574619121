using System.Net;
using System.Net.Http.Headers;

namespace KanikoBuild.Registry;

public sealed partial class RegistryClient
{
    // Registries must accept 4 MB manifests; anything far larger is not a manifest.
    const int MaxManifestBytes = 8 * 1024 * 1024;

    static void AcceptManifests(HttpRequestMessage request)
    {
        foreach (var type in MediaTypes.Manifests)
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
    }

    public Task<RegistryManifest> GetManifestAsync(ImageReference reference, CancellationToken ct = default) =>
        GetManifestAsync(reference.Repository, reference.Reference, ct);

    /// <summary>
    /// <c>GET /v2/&lt;repository&gt;/manifests/&lt;reference&gt;</c>: the exact bytes, their media type and digest.
    /// When <paramref name="reference"/> is a digest the bytes are checked against it.
    /// </summary>
    public async Task<RegistryManifest> GetManifestAsync(string repository, string reference, CancellationToken ct = default)
    {
        using var timeout = Timeout(ct);
        var what = $"Fetching the manifest {repository}:{reference} from {Registry.Host}";
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, ApiUri($"{repository}/manifests/{reference}"));
            AcceptManifests(request);
            return request;
        }, repository, push: false, timeout.Token, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new RegistryException($"The manifest {repository}{(Digest.IsValid(reference) ? "@" : ":")}{reference} does not exist in {Registry.Host}; check the registry, image and digest (was it pushed?).", response.StatusCode, ["MANIFEST_UNKNOWN"]);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, what, ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxManifestBytes)
            throw new PipelineException($"{what}: the registry announced {response.Content.Headers.ContentLength} bytes, more than any manifest ({MaxManifestBytes}).");
        var bytes = await ReadBoundedAsync(response.Content, MaxManifestBytes, what, timeout.Token).ConfigureAwait(false);
        var manifest = RegistryManifest.Parse(bytes, response.Content.Headers.ContentType?.MediaType);
        if (Digest.IsValid(reference) && manifest.Digest != reference)
            throw new BlobDigestMismatchException($"The manifest {repository}@{reference} from {Registry.Host} has the digest {manifest.Digest}: the registry served different bytes than requested. Nothing was copied.");
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var served) && served.FirstOrDefault() is { } header
            && Digest.IsValid(header) && header.StartsWith("sha256:", StringComparison.Ordinal) && header != manifest.Digest)
            throw new BlobDigestMismatchException($"The manifest {repository}:{reference} from {Registry.Host} hashes to {manifest.Digest}, but the registry says {header}.");
        return manifest;
    }

    static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, string what, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new PipelineException($"{what}: more than {limit} bytes, which no manifest is.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary><c>HEAD</c> of a manifest by tag or digest: its digest, or null when it does not exist.</summary>
    public async Task<string?> GetManifestDigestAsync(string repository, string reference, CancellationToken ct = default)
    {
        using var timeout = Timeout(ct);
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Head, ApiUri($"{repository}/manifests/{reference}"));
            AcceptManifests(request);
            return request;
        }, repository, push: false, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, $"Looking up {repository}:{reference} in {Registry.Host}", ct).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } digest && Digest.IsValid(digest))
            return digest;
        // Some registries omit the header on HEAD: the body's hash is the answer.
        return (await GetManifestAsync(repository, reference, ct).ConfigureAwait(false)).Digest;
    }

    /// <summary>
    /// <c>PUT /v2/&lt;repository&gt;/manifests/&lt;reference&gt;</c> with the exact bytes and media type. Returns the digest
    /// the registry reports, after checking it equals the bytes' digest.
    /// </summary>
    public async Task<string> PutManifestAsync(string repository, string reference, RegistryManifest manifest, CancellationToken ct = default)
    {
        using var timeout = Timeout(ct);
        var what = $"Pushing the manifest {Digest.Short(manifest.Digest)} as {repository}{(Digest.IsValid(reference) ? "@" : ":")}{reference} to {Registry.Host}";
        using var response = await SendAsync(() =>
        {
            var content = new ReadOnlyMemoryContent(manifest.Bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
            return new HttpRequestMessage(HttpMethod.Put, ApiUri($"{repository}/manifests/{reference}")) { Content = content };
        }, repository, push: true, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, what, ct).ConfigureAwait(false);
        var reported = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
        if (reported is not null && reported != manifest.Digest)
            throw new BlobDigestMismatchException($"{what}: the registry stored it as {reported}, not {manifest.Digest}; it altered the manifest, so the image would not be the one scanned.");
        return reported ?? manifest.Digest;
    }

    /// <summary>
    /// The config digest of an image (the image ID scanners report). For an index, the manifest for
    /// <paramref name="platform"/> (default linux/amd64, or the index's only image).
    /// </summary>
    public async Task<string> GetConfigDigestAsync(ImageReference reference, Platform? platform = null, CancellationToken ct = default) =>
        (await GetImageManifestAsync(reference, platform, ct).ConfigureAwait(false)).Config!.Digest;

    /// <summary>The layer digests of an image, in order (for an index, of the platform's image as above).</summary>
    public async Task<IReadOnlyList<string>> GetLayerDigestsAsync(ImageReference reference, Platform? platform = null, CancellationToken ct = default) =>
        (await GetImageManifestAsync(reference, platform, ct).ConfigureAwait(false)).Layers.Select(l => l.Digest).ToList();

    /// <summary>The image manifest of <paramref name="reference"/>, descending into an index for <paramref name="platform"/>.</summary>
    public async Task<RegistryManifest> GetImageManifestAsync(ImageReference reference, Platform? platform = null, CancellationToken ct = default)
    {
        var manifest = await GetManifestAsync(reference, ct).ConfigureAwait(false);
        if (!manifest.IsIndex)
            return manifest;
        var wanted = platform ?? Platform.LinuxAmd64;
        var entries = manifest.Manifests.Where(m => MediaTypes.IsImageManifest(m.MediaType) || m.MediaType.Length == 0).ToList();
        var match = entries.FirstOrDefault(m => m.Platform is { } p && p.Os == wanted.Os && p.Architecture == wanted.Architecture && (wanted.Variant is null || p.Variant == wanted.Variant))
            ?? (platform is null && entries.Count == 1 ? entries[0] : null)
            ?? throw new PipelineException($"The index {reference} has no image for {wanted} (it has: {string.Join(", ", entries.Select(e => e.Platform?.ToString() ?? "unknown"))}).");
        return await GetManifestAsync(reference.Repository, match.Digest, ct).ConfigureAwait(false);
    }
}
