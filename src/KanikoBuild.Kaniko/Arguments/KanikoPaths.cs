namespace KanikoBuild.Kaniko;

/// <summary>
/// Where a runner places the request's files as the executor sees them. Each runner has its own layout (the
/// Docker runner mounts, the local runner copies under <c>/kaniko</c>); the flags are the same either way.
/// </summary>
public sealed record KanikoPaths(string ContextDirectory, string OutputDirectory, string SecretsDirectory)
{
    /// <summary>Where the executor sees <c>/kaniko</c>: itself for the Docker runner, the local runner's kaniko root otherwise.</summary>
    public string KanikoDirectory { get; init; } = KanikoRequestValidator.KanikoDirectory;

    public string DigestFile => Join(OutputDirectory, KanikoOutputFiles.Digest);
    public string ImageNameWithDigestFile => Join(OutputDirectory, KanikoOutputFiles.ImageNameWithDigest);
    public string TarPath => Join(OutputDirectory, KanikoOutputFiles.Tar);
    public string OciLayoutPath => Join(OutputDirectory, KanikoOutputFiles.OciLayout);
    public string SecretFile(string id) => Join(SecretsDirectory, id);

    // Executor paths are always Linux paths, whatever the host.
    internal static string Join(string directory, string name) => directory.TrimEnd('/') + "/" + name;
}

/// <summary>File names inside a runner's private output folder.</summary>
public static class KanikoOutputFiles
{
    public const string Digest = "digest";
    public const string ImageNameWithDigest = "image-name-with-digest";
    public const string Tar = "image.tar";
    public const string OciLayout = "oci-layout";
}
