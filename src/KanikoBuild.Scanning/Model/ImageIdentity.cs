namespace KanikoBuild.Scanning;

/// <summary>How an <see cref="ImageIdentity"/> was chosen.</summary>
public enum ImageIdentityBasis
{
    /// <summary>The repository the image is pushed to (<c>--destination</c>, or the dev registry's repository in B).</summary>
    Repository,

    /// <summary>The Dockerfile, relative to the repository root: the image has no repository yet.</summary>
    Dockerfile,

    /// <summary>The name the scanner gave the result; only when the pipeline named nothing (a result read on its own).</summary>
    ScannedName,
}

/// <summary>
/// The image a scan result is about, as every report names it. Code scanning (SARIF <c>partialFingerprints</c>) and
/// GitLab's vulnerability report (<c>id</c>, <c>location.image</c>) track a finding across pipeline runs by these
/// values, so they must not change from run to run: never a per-run scan name (A's <c>--containerized</c> result is
/// named after its fresh report id; C's tarball result name is undocumented), never a tag or a digest.
/// </summary>
public sealed record ImageIdentity
{
    ImageIdentity(string name, string key, ImageIdentityBasis basis)
    {
        Name = name;
        Key = key;
        Basis = basis;
    }

    /// <summary>What the reports show: <c>registry.example.com/team/app</c>, or <c>services/api/Dockerfile</c>.</summary>
    public string Name { get; }

    /// <summary>What fingerprints and finding ids are derived from; equal to <see cref="Name"/> unless the scanned name is used.</summary>
    public string Key { get; }

    public ImageIdentityBasis Basis { get; }

    /// <summary>The repository of an image reference (<c>host[:port]/path[:tag][@digest]</c>): tag and digest dropped.</summary>
    public static ImageIdentity OfRepository(string reference)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        var repository = WithoutTagOrDigest(reference.Trim());
        return new ImageIdentity(repository, repository, ImageIdentityBasis.Repository);
    }

    /// <summary>A Dockerfile path relative to the repository root (forward slashes, no leading <c>./</c>).</summary>
    public static ImageIdentity OfDockerfile(string relativePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        var path = relativePath.Trim().Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
            path = path[2..];
        return new ImageIdentity(path, path, ImageIdentityBasis.Dockerfile);
    }

    /// <summary>
    /// The fallback when nobody named the image: the scanned name for display, its repository for the key (so a
    /// registry result's tag does not change ids). Unstable for A and C, which is why the pipeline always names it.
    /// </summary>
    public static ImageIdentity OfScan(ScanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var name = result.DisplayName;
        var key = string.IsNullOrWhiteSpace(result.ImageName) ? result.ImageId ?? result.Digest ?? "image" : WithoutTagOrDigest(result.ImageName);
        return new ImageIdentity(name, key, ImageIdentityBasis.ScannedName);
    }

    public override string ToString() => Name;

    static string WithoutTagOrDigest(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
            name = name[..at];
        // A ':' after the last '/' is a tag; one before it is a registry port (127.0.0.1:5000/app).
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        return colon > slash ? name[..colon] : name;
    }
}
