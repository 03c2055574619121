namespace KanikoBuild.Registry;

public static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>Every manifest type the client fetches and pushes (schema 1 is not: kaniko never writes it).</summary>
    public static readonly IReadOnlyList<string> Manifests = [OciIndex, DockerManifestList, OciManifest, DockerManifest];

    public static bool IsIndex(string mediaType) => mediaType is OciIndex or DockerManifestList;

    public static bool IsImageManifest(string mediaType) => mediaType is OciManifest or DockerManifest;
}
