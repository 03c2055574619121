using System.Text;
using KanikoBuild.Testing;
using Microsoft.AspNetCore.Http;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>
/// A registry front door that demands the Bearer token flow (distribution's token.md): <c>/v2/*</c> answers 401
/// with a <c>Bearer realm=…/token</c> challenge unless the request carries the token; <c>/token</c> hands the token out
/// only for the right Basic credentials. Everything else is passed to a real registry behind it.
/// </summary>
public sealed class TokenAuthProxy : IAsyncDisposable
{
    const string Token = "test-bearer-token-0c1d";
    static readonly HashSet<string> s_hopByHop = new(StringComparer.OrdinalIgnoreCase) { "Content-Length", "Transfer-Encoding", "Connection", "Date", "Server" };
    readonly HttpClient _upstream;
    readonly string _user;
    readonly string _password;
    LoopbackHttpServer? _server;
    int _tokensIssued;

    TokenAuthProxy(Testing.Registry registry, string user, string password)
    {
        _user = user;
        _password = password;
        _upstream = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = registry.BaseUri };
    }

    public static async Task<TokenAuthProxy> StartAsync(Testing.Registry registry, string user, string password)
    {
        var proxy = new TokenAuthProxy(registry, user, password);
        proxy._server = await LoopbackHttpServer.StartAsync(proxy.HandleAsync);
        return proxy;
    }

    public string Host => _server!.Host;

    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path + request.QueryString;
        if (request.Path.StartsWithSegments("/token"))
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
            if (request.Headers.Authorization != expected)
            {
                response.StatusCode = 401;
                return;
            }
            Interlocked.Increment(ref _tokensIssued);
            response.ContentType = "application/json";
            await response.WriteAsync($"{{\"token\":\"{Token}\",\"expires_in\":300}}");
            return;
        }
        if (request.Headers.Authorization != $"Bearer {Token}")
        {
            response.StatusCode = 401;
            response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{Host}/token\",service=\"test-registry\"";
            return;
        }
        try
        {
            using var upstream = new HttpRequestMessage(new HttpMethod(request.Method), path);
            if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                var content = new MemoryStream();
                await request.Body.CopyToAsync(content);
                content.Position = 0;
                upstream.Content = new StreamContent(content);
                if (request.ContentType is { } type)
                    upstream.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            if (request.Headers.Accept.Count > 0)
                upstream.Headers.TryAddWithoutValidation("Accept", request.Headers.Accept.ToArray());
            using var reply = await _upstream.SendAsync(upstream, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode = (int)reply.StatusCode;
            foreach (var (name, values) in reply.Headers.Concat(reply.Content.Headers))
            {
                if (s_hopByHop.Contains(name))
                    continue;
                response.Headers[name] = string.Join(",", values).Replace(_upstream.BaseAddress!.Authority, Host, StringComparison.Ordinal);
            }
            if (reply.Content.Headers.ContentLength is { } length && reply.StatusCode is not (System.Net.HttpStatusCode.NoContent or System.Net.HttpStatusCode.NotModified))
                response.ContentLength = length;
            if (!HttpMethods.IsHead(request.Method))
                await reply.Content.CopyToAsync(response.Body);
        }
        catch (HttpRequestException) when (!response.HasStarted)
        {
            response.StatusCode = 502;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _upstream.Dispose();
    }
}
