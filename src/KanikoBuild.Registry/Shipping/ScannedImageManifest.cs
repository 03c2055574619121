using System.Text.Json;

namespace KanikoBuild.Registry;

/// <summary>
/// The Docker v2 schema 2 manifest of a scanned tarball, built from the archive by digest: its config and its
/// layers exactly as stored. A docker-save tarball carries no manifest, so this one is made here; its digest can
/// differ from kaniko's <c>--digest-file</c> (kaniko.md §4.3), which is why the proof of shipped = scanned is the
/// config digest and the layer digests, not the manifest digest.
/// </summary>
public static class ScannedImageManifest
{
    public static RegistryManifest Build(DockerArchive archive)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaTypes.DockerManifest);
            json.WritePropertyName("config");
            WriteDescriptor(json, ArchiveMediaTypes.Config, archive.Config.Length, archive.ImageId);
            json.WriteStartArray("layers");
            foreach (var layer in archive.Layers)
                WriteDescriptor(json, layer.MediaType, layer.Size, layer.Digest);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return RegistryManifest.Parse(buffer.ToArray(), MediaTypes.DockerManifest);
    }

    static void WriteDescriptor(Utf8JsonWriter json, string mediaType, long size, string digest)
    {
        json.WriteStartObject();
        json.WriteString("mediaType", mediaType);
        json.WriteNumber("size", size);
        json.WriteString("digest", digest);
        json.WriteEndObject();
    }
}
