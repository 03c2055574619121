using System.Net;
using System.Net.Http.Headers;

namespace KanikoBuild.Prisma.Http;

/// <summary>Bearer token on every request; on a 401, one new token and one more try (the token may have expired early).</summary>
internal sealed class AuthenticationHandler(TokenSource tokens, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var token = await tokens.GetAsync(rejected: null, ct).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
            return response;
        response.Dispose();
        token = await tokens.GetAsync(rejected: token, ct).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, ct).ConfigureAwait(false);
    }
}

/// <summary>Adds <c>?project=</c> for multi-tenant self-hosted Consoles (prisma.md §2.2).</summary>
internal sealed class ProjectHandler(string project, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.RequestUri is { } uri)
        {
            var separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
            request.RequestUri = new Uri(uri + separator + "project=" + Uri.EscapeDataString(project));
        }
        return base.SendAsync(request, ct);
    }
}
