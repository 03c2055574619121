using System.Net;
using System.Net.Http.Headers;
using KanikoBuild.Http;

namespace KanikoBuild.Core.Tests.Http;

public sealed class AuthenticationHandlerTests
{
    /// <summary>Hands out token-1, token-2, …; counts the renewals it was asked for.</summary>
    sealed class CountingTokens(bool renew = true) : AuthenticationHandler
    {
        int _issued;

        public int Renewals { get; private set; }

        public List<string> Trace { get; set; } = [];

        protected override ValueTask<AuthenticationHeaderValue?> AuthorizeAsync(HttpRequestMessage request, AuthenticationHeaderValue? rejected, CancellationToken ct)
        {
            Trace.Add("authentication");
            if (rejected is null && _issued > 0)
                return ValueTask.FromResult<AuthenticationHeaderValue?>(new("Bearer", $"token-{_issued}"));
            return ValueTask.FromResult<AuthenticationHeaderValue?>(new("Bearer", $"token-{++_issued}"));
        }

        protected override bool Renew(HttpRequestMessage request, HttpResponseMessage unauthorized)
        {
            Renewals++;
            return renew;
        }
    }

    [Fact]
    public async Task A_401_gets_new_credentials_and_one_more_try_and_a_second_401_is_the_answer()
    {
        var time = FakeTime.Create();
        var peer = new ScriptedPeer(time, ScriptedPeer.Answer(HttpStatusCode.Unauthorized), ScriptedPeer.Answer(HttpStatusCode.OK),
            ScriptedPeer.Answer(HttpStatusCode.Unauthorized), ScriptedPeer.Answer(HttpStatusCode.Unauthorized));
        var tokens = new CountingTokens();
        using var client = new HttpClient(HttpChain.Compose(peer, tokens));

        using var renewed = await client.GetAsync("http://peer.test/api/v1/version");
        using var refused = await client.GetAsync("http://peer.test/api/v1/registry");

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(["Bearer token-1", "Bearer token-2", "Bearer token-2", "Bearer token-3"], peer.Received.Select(r => r.Authorization));
        Assert.Equal(2, tokens.Renewals);
    }

    [Fact]
    public async Task A_one_shot_body_is_not_resent_after_a_401()
    {
        var time = FakeTime.Create();
        var peer = new ScriptedPeer(time, ScriptedPeer.Answer(HttpStatusCode.Unauthorized));
        var tokens = new CountingTokens();
        using var client = new HttpClient(HttpChain.Compose(peer, tokens));

        using var response = await client.PutAsync("http://peer.test/v2/x/blobs/uploads/1", new StreamedOnce());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(peer.Received);
        Assert.Equal(0, tokens.Renewals);
    }

    [Fact]
    public async Task When_the_protocol_says_renewing_cannot_help_the_401_goes_back()
    {
        var time = FakeTime.Create();
        var peer = new ScriptedPeer(time, ScriptedPeer.Answer(HttpStatusCode.Unauthorized));
        using var client = new HttpClient(HttpChain.Compose(peer, new CountingTokens(renew: false)));

        using var response = await client.GetAsync("http://peer.test/v2/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(peer.Received);
    }

    [Fact]
    public async Task The_chain_runs_outermost_first_so_retries_reuse_the_credentials_of_their_call()
    {
        var time = FakeTime.Create();
        var trace = new List<string>();
        var peer = new ScriptedPeer(time, ScriptedPeer.Answer(HttpStatusCode.ServiceUnavailable), ScriptedPeer.Answer(HttpStatusCode.OK)) { Trace = trace };
        var tokens = new CountingTokens { Trace = trace };
        var retries = HttpResilience.ForRequests(new HttpRetryOptions { MaxRetries = 2, TimeProvider = time, Jitter = () => 0.5 });
        using var client = new HttpClient(HttpChain.Compose(peer, tokens, null, new ResilienceHandler(retries), new Recorder("attempt", trace)));

        using var response = await time.RunAsync(client.GetAsync("http://peer.test/api/v1/registry"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["authentication", "attempt", "transport", "attempt", "transport"], trace);
        Assert.Equal(["Bearer token-1", "Bearer token-1"], peer.Received.Select(r => r.Authorization));
    }

    sealed class Recorder(string name, List<string> trace) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            trace.Add(name);
            return base.SendAsync(request, ct);
        }
    }
}
