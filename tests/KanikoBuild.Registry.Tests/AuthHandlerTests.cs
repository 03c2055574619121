using System.Net;
using KanikoBuild.Http;

namespace KanikoBuild.Registry.Tests;

/// <summary>The registry's authentication handler: its own host gets the credentials, any other host never does.</summary>
public class AuthHandlerTests
{
    sealed class Recording : HttpMessageHandler
    {
        public List<(Uri Uri, string? Authorization)> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Seen.Add((request.RequestUri!, request.Headers.Authorization?.Scheme));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized) { RequestMessage = request });
        }
    }

    [Fact]
    public async Task The_registry_host_gets_its_credentials_and_a_redirect_target_on_another_host_never_does()
    {
        using var tokenHttp = new HttpClient();
        var authenticator = new RegistryAuthenticator(tokenHttp, "registry.test:5000", new RegistryCredential("release", "Auth-Canary-Pa55w0rd-4b1e"),
            TimeProvider.System, Serilog.Core.Logger.None)
        {
            Challenge = AuthChallenge.Parse("Basic realm=\"registry\""),
        };
        var peer = new Recording();
        var handler = new RegistryAuthenticationHandler(() => authenticator, () => new Uri("http://registry.test:5000/"));
        using var client = new HttpClient(HttpChain.Compose(peer, handler));

        using var own = await client.GetAsync("http://registry.test:5000/v2/team/app/blobs/sha256:abc");
        using var storage = await client.GetAsync("http://storage.test/bucket/sha256:abc?signature=x");

        // Its own host: Basic, and after the 401 one more try with the challenge taken in. Storage: bare, and no second try.
        Assert.Equal([("registry.test:5000", "Basic"), ("registry.test:5000", "Basic"), ("storage.test", null)],
            peer.Seen.Select(s => (s.Uri.Authority, s.Authorization)));
    }

    [Fact]
    public async Task Before_the_ping_requests_go_bare_and_the_401_challenge_comes_back_to_the_caller()
    {
        var peer = new Recording();
        var handler = new RegistryAuthenticationHandler(() => null, () => null);
        using var client = new HttpClient(HttpChain.Compose(peer, handler));

        using var response = await client.GetAsync("http://registry.test:5000/v2/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([("registry.test:5000", (string?)null)], peer.Seen.Select(s => (s.Uri.Authority, s.Authorization)));
    }
}
