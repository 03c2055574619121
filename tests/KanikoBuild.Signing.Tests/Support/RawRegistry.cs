using System.Net.Http.Headers;
using System.Text.Json;

namespace KanikoBuild.Signing.Tests;

/// <summary>Plain HTTP GETs against the registry, independent of the project's client: what any consumer downloads.</summary>
public static class RawRegistry
{
    static readonly HttpClient s_http = new();

    public static async Task<(byte[] Bytes, string? ContentType)> ManifestAsync(KanikoBuild.Testing.Registry registry, string repository, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(registry.BaseUri, $"v2/{repository}/manifests/{reference}"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var response = await s_http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    public static async Task<byte[]> BlobAsync(KanikoBuild.Testing.Registry registry, string repository, string digest)
    {
        using var response = await s_http.GetAsync(new Uri(registry.BaseUri, $"v2/{repository}/blobs/{digest}"));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The layers of an attachment manifest: digest and annotations, read with a plain JSON parser.</summary>
    public static IReadOnlyList<(string MediaType, string Digest, Dictionary<string, string> Annotations)> Layers(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.GetProperty("layers").EnumerateArray().Select(l => (
            l.GetProperty("mediaType").GetString()!,
            l.GetProperty("digest").GetString()!,
            l.GetProperty("annotations").EnumerateObject().ToDictionary(a => a.Name, a => a.Value.GetString()!))).ToList();
    }
}
