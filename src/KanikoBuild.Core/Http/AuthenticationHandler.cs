using System.Net;
using System.Net.Http.Headers;

namespace KanikoBuild.Http;

/// <summary>
/// Puts the peer's credentials on each request; on a 401, lets the protocol renew them (a token expired early, a
/// registry wants more scopes) and sends the request once more. A body that can be sent only once is not resent:
/// its 401 goes back to the caller.
/// </summary>
public abstract class AuthenticationHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var credentials = await AuthorizeAsync(request, rejected: null, ct).ConfigureAwait(false);
        request.Headers.Authorization = credentials;
        var response = await base.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !OneShotContent.IsReplayable(request) || !Renew(request, response))
            return response;
        response.Dispose();
        request.Headers.Authorization = await AuthorizeAsync(request, rejected: credentials, ct).ConfigureAwait(false);
        return await base.SendAsync(request, ct).ConfigureAwait(false);
    }

    /// <summary>The Authorization header for <paramref name="request"/>, or null to send it without one.</summary>
    /// <param name="rejected">The header the peer just answered 401 to: never hand it out again.</param>
    protected abstract ValueTask<AuthenticationHeaderValue?> AuthorizeAsync(HttpRequestMessage request, AuthenticationHeaderValue? rejected, CancellationToken ct);

    /// <summary>Takes in a 401 answer; true when new credentials may help and the request should be tried once more.</summary>
    protected abstract bool Renew(HttpRequestMessage request, HttpResponseMessage unauthorized);
}
