using System.Text;

namespace KanikoBuild.Registry.Tests;

public class ManifestTests
{
    [Fact]
    public void Image_manifest_lists_config_and_layers_and_keeps_exact_bytes()
    {
        var (manifest, blobs) = TestImages.Image([TestImages.RandomLayer(10), TestImages.RandomLayer(20)]);
        var reparsed = RegistryManifest.Parse(manifest.Bytes, MediaTypes.OciManifest + "; charset=utf-8");
        Assert.Equal(MediaTypes.OciManifest, reparsed.MediaType);
        Assert.Equal(Digest.Sha256(manifest.Bytes.Span), reparsed.Digest);
        Assert.Equal(blobs[0].Digest, reparsed.Config!.Digest);
        Assert.Equal(blobs.Skip(1).Select(b => b.Digest), reparsed.Layers.Select(l => l.Digest));
        Assert.Equal(3, reparsed.Blobs.Count());
    }

    [Fact]
    public void Docker_manifest_list_has_platforms()
    {
        var amd = TestImages.Image([TestImages.RandomLayer(5, docker: true)], docker: true);
        var arm = TestImages.Image([TestImages.RandomLayer(5, docker: true)], docker: true, "arm64");
        var index = TestImages.Index([(amd.Manifest, "amd64"), (arm.Manifest, "arm64")], docker: true);
        Assert.True(index.IsIndex);
        Assert.Equal(MediaTypes.DockerManifestList, index.MediaType);
        Assert.Equal(["linux/amd64", "linux/arm64"], index.Manifests.Select(m => m.Platform!.ToString()));
    }

    [Fact]
    public void Served_type_that_contradicts_the_body_is_refused()
    {
        var (manifest, _) = TestImages.Image([TestImages.RandomLayer(10)]);
        Assert.Throws<PipelineException>(() => RegistryManifest.Parse(manifest.Bytes, MediaTypes.DockerManifest));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"digest\":\"sha256:x\",\"size\":1},\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":1,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+prettyjws\"}")]
    public void Malformed_manifests_are_clear_errors(string body) =>
        Assert.Throws<PipelineException>(() => RegistryManifest.Parse(Encoding.UTF8.GetBytes(body), null));
}
