using System.Text;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>Credentials from <c>/kaniko/.docker/config.json</c> and the Bearer token flow, for pulls and pushes.</summary>
[Collection(StandInCollection.Name)]
public sealed class AuthTests(StandInFixture fixture)
{
    [Fact]
    public async Task BearerTokenRegistry_WithCredentialsInDockerConfig_PullsAndPushes_AndWithoutThemIsRefused()
    {
        await using var proxy = await TokenAuthProxy.StartAsync(fixture.Registry, "ci", "registry-password");
        using var context = new TempDirectory();
        using var docker = new TempDirectory();
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("ci:registry-password"));
        docker.Write("config.json", System.Text.Json.JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [proxy.Host] = new { auth } } }));
        context.Write("Dockerfile", $"""
            FROM {proxy.Host}/busybox:latest
            RUN echo authenticated > /auth.txt
            """);
        var destination = $"{proxy.Host}/auth-app:1";

        var anonymous = await fixture.RunAsync(context.Path, ["--destination", destination]);
        var authenticated = await fixture.RunAsync(context.Path, ["--destination", destination, "--digest-file=/kaniko/digest-out/digest"],
            [(docker.Combine("config.json"), "/kaniko/.docker/config.json:ro"), (docker.Path, "/kaniko/digest-out")]);

        Assert.Equal(1, anonymous.ExitCode);
        Assert.Contains("error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly", anonymous.Output);
        Assert.True(authenticated.ExitCode == 0, authenticated.ToString());
        Assert.True(proxy.TokensIssued > 0);
        Assert.DoesNotContain("registry-password", authenticated.Output);
        var (digest, _) = await fixture.InspectAsync($"{fixture.Registry.Host}/auth-app:1");
        Assert.Equal(digest, File.ReadAllText(docker.Combine("digest")));
    }
}
