using System.Net;
using KanikoBuild.Testing;
using Microsoft.AspNetCore.Http;

namespace KanikoBuild.Registry.Tests;

/// <summary>
/// An HTTP proxy on 127.0.0.1 in front of a real registry that forwards every request, except those a rule answers
/// itself (a registry refusing one kind of request), and can rewrite chosen responses (a registry serving other
/// bytes than it stored). Complements <see cref="FaultyProxy"/>, which fails at the TCP level.
/// </summary>
public sealed class InterceptingProxy : IAsyncDisposable
{
    readonly HttpClient _upstream;
    LoopbackHttpServer? _server;

    InterceptingProxy(HttpClient upstream) => _upstream = upstream;

    public int Port => _server!.Port;
    public string Host => _server!.Host;

    /// <summary>Answers a request (method, path with query) itself when it returns a status and a JSON body; null forwards it.</summary>
    public Func<string, string, (HttpStatusCode Status, string Body)?>? Refuse { get; set; }

    /// <summary>Rewrites a forwarded response body (method, path, body) when it returns bytes; null passes it unchanged.</summary>
    public Func<string, string, byte[], byte[]?>? Rewrite { get; set; }

    public int Refused;

    public static async Task<InterceptingProxy> StartAsync(int upstreamPort)
    {
        var proxy = new InterceptingProxy(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{upstreamPort}/"),
            Timeout = Timeout.InfiniteTimeSpan,
        });
        try
        {
            proxy._server = await LoopbackHttpServer.StartAsync(proxy.ForwardAsync);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    async Task ForwardAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var path = context.Request.Path + context.Request.QueryString;
        if (Refuse?.Invoke(method, path) is { } refusal)
        {
            Interlocked.Increment(ref Refused);
            context.Response.StatusCode = (int)refusal.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(refusal.Body);
            return;
        }
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0 || method is "PUT" or "PATCH" or "POST")
            request.Content = new StreamContent(context.Request.Body);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values))
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
        }
        // The registry builds Location headers from Host: keep them pointing at the proxy.
        request.Headers.Host = Host;
        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                continue;
            context.Response.Headers[name] = values.ToArray();
        }
        if (method == "HEAD")
            return;
        if (Rewrite is { } rewrite)
        {
            var body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            var replaced = rewrite(method, path, body);
            if (replaced is not null)
            {
                body = replaced;
                context.Response.ContentLength = body.Length;
            }
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _upstream.Dispose();
    }
}
