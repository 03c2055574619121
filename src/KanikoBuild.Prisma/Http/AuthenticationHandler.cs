using System.Net.Http.Headers;

namespace KanikoBuild.Prisma.Http;

/// <summary>The Console's bearer token on every request; a 401 gets one new token and one more try (it may have expired early).</summary>
internal sealed class ConsoleAuthenticationHandler(TokenSource tokens) : KanikoBuild.Http.AuthenticationHandler
{
    protected override async ValueTask<AuthenticationHeaderValue?> AuthorizeAsync(HttpRequestMessage request, AuthenticationHeaderValue? rejected, CancellationToken ct) =>
        new("Bearer", await tokens.GetAsync(rejected?.Parameter, ct).ConfigureAwait(false));

    // Any 401 may be an expired token; a second one, with a fresh token, is the Console's answer.
    protected override bool Renew(HttpRequestMessage request, HttpResponseMessage unauthorized) => true;
}

/// <summary>Adds <c>?project=</c> for multi-tenant self-hosted Consoles (prisma.md §2.2).</summary>
internal sealed class ProjectHandler(string project) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.RequestUri is { } uri && !uri.Query.Contains("project=", StringComparison.Ordinal))
        {
            var separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
            request.RequestUri = new Uri(uri + separator + "project=" + Uri.EscapeDataString(project));
        }
        return base.SendAsync(request, ct);
    }
}
