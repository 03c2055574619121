using KanikoBuild.Testing;

namespace KanikoBuild.Registry.Tests;

public class PromoteCommandTests(RegistryPair registries) : IClassFixture<RegistryPair>
{
    [Fact]
    public void Without_a_digest_or_a_recorded_one_it_says_what_to_do()
    {
        var error = Assert.Throws<PipelineException>(() => PromoteCommand.ResolveDigest(new PromoteParameters { DigestFile = "/nonexistent/pushdev/digest" }));
        Assert.Contains("--image-digest", error.Message);
        Assert.Contains("PushDev", error.Message);
    }

    [Fact]
    public void A_given_digest_wins_and_a_recorded_one_is_checked()
    {
        using var dir = new TempDirectory();
        var digest = "sha256:" + new string('c', 64);
        var file = dir.Write("digest", digest + "\n");
        Assert.Equal(digest, PromoteCommand.ResolveDigest(new PromoteParameters { DigestFile = file }));
        var given = "sha256:" + new string('d', 64);
        Assert.Equal(given, PromoteCommand.ResolveDigest(new PromoteParameters { ImageDigest = given, DigestFile = file }));
        File.WriteAllText(file, "latest");
        Assert.Throws<PipelineException>(() => PromoteCommand.ResolveDigest(new PromoteParameters { DigestFile = file }));
    }

    [Fact]
    public async Task Parameters_are_checked_before_any_request()
    {
        var valid = new PromoteParameters { DevRegistry = "r.example.com/dev", ProdRegistry = "r.example.com/prod", Image = "app", ImageDigest = "sha256:" + new string('e', 64) };
        await Assert.ThrowsAsync<PipelineException>(() => PromoteCommand.RunAsync(valid with { ProdRegistry = null }));
        await Assert.ThrowsAsync<PipelineException>(() => PromoteCommand.RunAsync(valid with { Image = "" }));
        await Assert.ThrowsAsync<PipelineException>(() => PromoteCommand.RunAsync(valid with { Tag = "bad tag" }));
        var pairing = await Assert.ThrowsAsync<PipelineException>(() => PromoteCommand.RunAsync(valid with { ProdRegistryUser = "u" }));
        Assert.Contains("--prod-registry-password", pairing.Message);
    }

    [Fact]
    public async Task Promotes_the_digest_PushDev_recorded_across_two_prefixes_of_one_registry()
    {
        using var seed = Clients.For(registries.Dev.Host);
        var image = await TestImages.PushImageAsync(seed, "dev/team/app", [300_000, 1000]);
        using var dir = new TempDirectory();
        var digestFile = dir.Write("pushdev/digest", image.Digest + "\n");

        var result = await PromoteCommand.RunAsync(new PromoteParameters
        {
            DevRegistry = $"{registries.Dev.Host}/dev",
            ProdRegistry = $"{registries.Dev.Host}/prod",
            Image = "team/app",
            Tag = "1.4.2",
            PromoteTags = ["1.4", "latest"],
            DigestFile = digestFile,
        });

        Assert.Equal(image.Digest, result.Digest);
        Assert.Equal(0, result.BytesUploaded);
        Assert.Equal(["1.4.2", "1.4", "latest"], result.TagsApplied);
        Assert.Equal(TestImages.Text(image.Manifest.Bytes), await Skopeo.RawManifestAsync($"{registries.Dev.Host}/prod/team/app:1.4"));
    }
}
