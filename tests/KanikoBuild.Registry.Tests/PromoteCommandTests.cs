using KanikoBuild.Testing;

namespace KanikoBuild.Registry.Tests;

/// <summary>The promotion's entry point with typed values, and the one login path it shares with kaniko and the pipeline.</summary>
public class PromoteCommandTests(RegistryPair registries) : IClassFixture<RegistryPair>
{
    [Fact]
    public void A_user_without_a_password_is_one_clear_error_naming_the_secret_by_its_environment_variable()
    {
        // Before: "--prod-registry-user and --prod-registry-password go together". A secret is named by its
        // environment variable now (the review's finding): a switch would put it in ps and the shell history.
        var pairing = Assert.Throws<PipelineException>(() => new RegistryLogins(new RegistryOptions { Prod = RegistrySpec.Parse("r.example.com/prod"), ProdUser = "u" }));
        Assert.Contains("--prod-registry-user", pairing.Message);
        Assert.Contains("PROD_REGISTRY_PASSWORD", pairing.Message);
        Assert.DoesNotContain("--prod-registry-password", pairing.Message);

        var reverse = Assert.Throws<PipelineException>(() => new RegistryLogins(new RegistryOptions { Dev = RegistrySpec.Parse("r.example.com/dev"), DevPassword = "only-a-password" }));
        Assert.Contains("DEV_REGISTRY_PASSWORD is given without --dev-registry-user", reverse.Message);
        Assert.DoesNotContain("only-a-password", reverse.Message);
    }

    [Fact]
    public void Logins_go_to_their_registry_host_and_the_dev_pair_wins_on_a_shared_host()
    {
        var logins = new RegistryLogins(new RegistryOptions
        {
            Dev = RegistrySpec.Parse("r.example.com/dev"), DevUser = "dev", DevPassword = "dev-password-1234",
            Prod = RegistrySpec.Parse("r.example.com/prod"), ProdUser = "prod", ProdPassword = "prod-password-1234",
            Insecure = [RegistrySpec.Parse("plain.example.com:5000")],
        });

        Assert.Equal("dev", Assert.Single(logins.ByHost).Value.Username);
        Assert.Equal("dev", logins.For("R.EXAMPLE.COM")?.Username);
        Assert.Null(logins.For("other.example.com"));
        Assert.Equal("plain.example.com:5000", Assert.Single(logins.Insecure).Host);
        Assert.Equal("[REDACTED]", Secrets.Mask("prod-password-1234"));
    }

    [Fact]
    public async Task Promotes_a_digest_across_two_prefixes_of_one_registry()
    {
        using var seed = Clients.For(registries.Dev.Host);
        var image = await TestImages.PushImageAsync(seed, "dev/team/app", [300_000, 1000]);

        var result = await PromoteCommand.RunAsync(
            new PromoteRequest(RegistrySpec.Parse($"{registries.Dev.Host}/dev"), RegistrySpec.Parse($"{registries.Dev.Host}/prod"), "team/app", Digest.Parse(image.Digest))
            {
                Tags = ["1.4.2", "1.4", "latest"],
            },
            RegistryLogins.None);

        Assert.Equal(image.Digest, result.Digest);
        Assert.Equal(0, result.BytesUploaded);
        Assert.Equal(["1.4.2", "1.4", "latest"], result.TagsApplied);
        Assert.Equal(TestImages.Text(image.Manifest.Bytes), await Skopeo.RawManifestAsync($"{registries.Dev.Host}/prod/team/app:1.4"));
    }
}
