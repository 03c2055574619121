using System.Text;
using KanikoBuild.Testing;

namespace KanikoBuild.Registry.Tests;

/// <summary>Bearer tokens from a token service the test runs, and Basic authentication (htpasswd).</summary>
public class AuthTests
{
    static readonly RegistryCredential s_seed = new("seed", "seed-password");
    static readonly RegistryCredential s_ci = new("ci", "ci-password");

    static async Task<RegistryTokenIssuer> Issuer()
    {
        var issuer = await RegistryTokenIssuer.StartAsync();
        issuer.Users["seed"] = "seed-password";
        issuer.Users["ci"] = "ci-password";
        // ci may read dev and write prod; nothing else.
        issuer.Grant = (user, repository, actions) => user switch
        {
            "seed" => actions,
            "ci" when repository.StartsWith("dev/", StringComparison.Ordinal) => actions.Where(a => a == "pull").ToList(),
            "ci" when repository.StartsWith("prod/", StringComparison.Ordinal) => actions,
            _ => [],
        };
        return issuer;
    }

    [Fact]
    public async Task Token_auth_uses_one_token_per_client_with_the_mount_scope()
    {
        await using var issuer = await Issuer();
        await using var registry = await KanikoBuild.Testing.Registry.StartAsync(issuer.RegistryConfig);
        using var seed = Clients.For(registry.Host, Clients.Options(s_seed));
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(seed, $"dev/{repo}", [200_000, 30_000]);
        using var dev = Clients.For($"{registry.Host}/dev", Clients.Options(s_ci));
        using var prod = Clients.For($"{registry.Host}/prod", Clients.Options(s_ci));

        var result = await new Promoter(dev, prod).PromoteAsync(new PromotionRequest($"dev/{repo}", image.Digest, $"prod/{repo}") { Tags = ["1.0"] });

        Assert.Equal(3, result.BlobsMounted);
        Assert.Equal(1, dev.TokensFetched);
        Assert.Equal(1, prod.TokensFetched);
        Assert.Contains(issuer.Requests, r => r.User == "ci" && r.Service == RegistryTokenIssuer.Service
            && r.Scopes.Contains($"repository:prod/{repo}:pull,push") && r.Scopes.Contains($"repository:dev/{repo}:pull"));
        Assert.Equal(image.Digest, await prod.GetManifestDigestAsync($"prod/{repo}", "1.0"));
    }

    [Fact]
    public async Task Missing_push_rights_and_wrong_passwords_are_clear_errors()
    {
        await using var issuer = await Issuer();
        await using var registry = await KanikoBuild.Testing.Registry.StartAsync(issuer.RegistryConfig);
        using var seed = Clients.For(registry.Host, Clients.Options(s_seed));
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(seed, $"dev/{repo}", [1000]);
        using var dev = Clients.For($"{registry.Host}/dev", Clients.Options(s_ci));
        using var elsewhere = Clients.For($"{registry.Host}/released", Clients.Options(s_ci));

        var denied = await Assert.ThrowsAsync<RegistryException>(() => new Promoter(dev, elsewhere).PromoteAsync(new PromotionRequest($"dev/{repo}", image.Digest, $"released/{repo}") { Tags = ["1.0"] }));
        Assert.Contains("lack the rights", denied.Message);

        using var wrong = Clients.For($"{registry.Host}/prod", Clients.Options(new RegistryCredential("ci", "not-the-password")));
        var refused = await Assert.ThrowsAsync<PipelineException>(() => new Promoter(dev, wrong).PromoteAsync(new PromotionRequest($"dev/{repo}", image.Digest, $"prod/{repo}") { Tags = ["1.0"] }));
        Assert.Contains("refused the credentials", refused.Message);
        Assert.DoesNotContain("not-the-password", refused.Message);
    }

    [Fact]
    public async Task Basic_auth_from_parameters_or_the_docker_config()
    {
        using var htpasswd = await RegistryHtpasswd.CreateAsync(new Dictionary<string, string> { ["release"] = "release-password" });
        await using var prodRegistry = await KanikoBuild.Testing.Registry.StartAsync(htpasswd.RegistryConfig);
        await using var devRegistry = await KanikoBuild.Testing.Registry.StartAsync();
        using var dev = Clients.For(devRegistry.Host);
        var repo = Clients.Repository();
        var image = await TestImages.PushImageAsync(dev, repo, [50_000]);
        var request = new PromotionRequest(repo, image.Digest, repo) { Tags = ["1.0"] };

        using (var anonymous = Clients.For(prodRegistry.Host))
        {
            var error = await Assert.ThrowsAsync<PipelineException>(() => new Promoter(dev, anonymous).PromoteAsync(request));
            Assert.Contains("requires a user and password", error.Message);
        }
        using (var wrong = Clients.For(prodRegistry.Host, Clients.Options(new RegistryCredential("release", "wrong-password"))))
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => new Promoter(dev, wrong).PromoteAsync(request));
            Assert.Contains("Check the registry user and password", error.Message);
        }
        using (var prod = Clients.For(prodRegistry.Host, Clients.Options(new RegistryCredential("release", "release-password"))))
        {
            Assert.Equal(["1.0"], (await new Promoter(dev, prod).PromoteAsync(request)).TagsApplied);
        }

        using var config = new TempDirectory();
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("release:release-password"));
        var path = config.Write("config.json", "{\"auths\": {\"http://" + prodRegistry.Host + "\": {\"auth\": \"" + auth + "\"}}}");
        using var fromConfig = Clients.For(prodRegistry.Host, Clients.Options() with { UseDockerConfig = true, DockerConfigPath = path });
        var again = await new Promoter(dev, fromConfig).PromoteAsync(request with { Tags = ["1.0", "stable"] });
        Assert.Equal(["stable"], again.TagsApplied);
    }
}
