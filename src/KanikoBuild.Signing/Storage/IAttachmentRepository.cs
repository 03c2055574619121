using KanikoBuild.Registry;

namespace KanikoBuild.Signing;

/// <summary>
/// The one repository an image and its attachments live in, as the signing code needs it: manifests by tag,
/// small blobs as bytes. <see cref="RegistryRepository"/> is the real one, over the project's registry client.
/// </summary>
public interface IAttachmentRepository
{
    /// <summary><c>host[:port]/path</c> as consumers pull it: the identity signatures name.</summary>
    string Name { get; }

    Task<RegistryManifest?> FindManifestAsync(string reference, CancellationToken ct);

    /// <summary>The blob, checked against its digest, refusing more than <paramref name="maxBytes"/>.</summary>
    Task<byte[]> ReadBlobAsync(string digest, long maxBytes, CancellationToken ct);

    /// <summary>Uploads the blob unless present; returns its digest.</summary>
    Task<string> PushBlobAsync(ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>PUTs the exact bytes under <paramref name="tag"/> with <paramref name="mediaType"/> as Content-Type; returns the digest.</summary>
    Task<string> PutManifestAsync(string tag, ReadOnlyMemory<byte> bytes, string mediaType, CancellationToken ct);
}

/// <summary>A repository of a registry reached with <see cref="RegistryClient"/>.</summary>
public sealed class RegistryRepository : IAttachmentRepository
{
    readonly RegistryClient _client;

    /// <param name="identity">
    /// The name consumers pull the repository by, when it differs from the client's host (a mirror, another DNS
    /// name): signatures name it, and verifiers compare it with the reference they pull.
    /// </param>
    public RegistryRepository(RegistryClient client, string repository, string? identity = null)
    {
        _client = client;
        Repository = RepositoryName.Validate(repository);
        Name = identity ?? $"{client.Registry.Host}/{Repository}";
    }

    public string Repository { get; }

    public string Name { get; }

    public Task<RegistryManifest?> FindManifestAsync(string reference, CancellationToken ct) =>
        _client.FindManifestAsync(Repository, reference, ct);

    public Task<byte[]> ReadBlobAsync(string digest, long maxBytes, CancellationToken ct) =>
        _client.ReadBlobAsync(Repository, digest, maxBytes, ct);

    public Task<string> PushBlobAsync(ReadOnlyMemory<byte> content, CancellationToken ct) =>
        _client.PushBlobAsync(Repository, content, ct);

    public Task<string> PutManifestAsync(string tag, ReadOnlyMemory<byte> bytes, string mediaType, CancellationToken ct) =>
        _client.PutManifestAsync(Repository, tag, bytes, mediaType, ct);

    public override string ToString() => Name;
}
