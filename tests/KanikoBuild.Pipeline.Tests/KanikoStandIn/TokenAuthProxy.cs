using System.Net;
using System.Text;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>
/// A registry front door that demands the Bearer token flow (distribution's token.md): <c>/v2/*</c> answers 401
/// with a <c>Bearer realm=…/token</c> challenge unless the request carries the token; <c>/token</c> hands the token out
/// only for the right Basic credentials. Everything else is passed to a real registry behind it.
/// </summary>
public sealed class TokenAuthProxy : IDisposable
{
    const string Token = "test-bearer-token-0c1d";
    readonly HttpListener _listener = new();
    readonly HttpClient _upstream;
    readonly string _user;
    readonly string _password;
    readonly Task _loop;

    public TokenAuthProxy(Testing.Registry registry, string user, string password)
    {
        _user = user;
        _password = password;
        _upstream = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = registry.BaseUri };
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public int TokensIssued { get; private set; }

    async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            var path = request.Url!.PathAndQuery;
            if (path.StartsWith("/token", StringComparison.Ordinal))
            {
                var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
                if (request.Headers["Authorization"] != expected)
                {
                    response.StatusCode = 401;
                    return;
                }
                TokensIssued++;
                var body = Encoding.UTF8.GetBytes($"{{\"token\":\"{Token}\",\"expires_in\":300}}");
                response.ContentType = "application/json";
                await response.OutputStream.WriteAsync(body);
                return;
            }
            if (request.Headers["Authorization"] != $"Bearer {Token}")
            {
                response.StatusCode = 401;
                response.AddHeader("WWW-Authenticate", $"Bearer realm=\"http://{Host}/token\",service=\"test-registry\"");
                return;
            }
            using var upstream = new HttpRequestMessage(new HttpMethod(request.HttpMethod), path);
            if (request.HasEntityBody)
            {
                var content = new MemoryStream();
                await request.InputStream.CopyToAsync(content);
                content.Position = 0;
                upstream.Content = new StreamContent(content);
                if (request.ContentType is { } type)
                    upstream.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            foreach (var name in new[] { "Accept" })
                if (request.Headers[name] is { } value)
                    upstream.Headers.TryAddWithoutValidation(name, value);
            using var reply = await _upstream.SendAsync(upstream, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode = (int)reply.StatusCode;
            foreach (var (name, values) in reply.Headers.Concat(reply.Content.Headers))
            {
                if (name is "Content-Length" or "Transfer-Encoding" or "Connection" or "Date")
                    continue;
                var value = string.Join(",", values).Replace(_upstream.BaseAddress!.Authority, Host, StringComparison.Ordinal);
                response.AddHeader(name, value);
            }
            if (request.HttpMethod != "HEAD")
                await reply.Content.CopyToAsync(response.OutputStream);
            else if (reply.Content.Headers.ContentLength is { } length)
                response.ContentLength64 = length;
        }
        catch (Exception e) when (e is HttpListenerException or IOException or HttpRequestException)
        {
            response.StatusCode = 502;
        }
        finally
        {
            try { response.Close(); } catch (Exception e) when (e is HttpListenerException or InvalidOperationException) { }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _upstream.Dispose();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}
