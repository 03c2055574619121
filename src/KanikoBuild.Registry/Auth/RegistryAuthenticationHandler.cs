using System.Net.Http.Headers;

namespace KanikoBuild.Registry;

/// <summary>
/// The registry's credentials on each request to its own host (Basic, or a Bearer token for the scopes in use); on
/// a 401 it takes the registry's new challenge (an expired token, more scopes wanted) and the request goes once
/// more. Before the ping there is no authenticator yet, and a request to any other host (blob storage a registry
/// redirected to) never carries the registry's Authorization.
/// </summary>
internal sealed class RegistryAuthenticationHandler(Func<RegistryAuthenticator?> authenticator, Func<Uri?> registryBase) : KanikoBuild.Http.AuthenticationHandler
{
    protected override ValueTask<AuthenticationHeaderValue?> AuthorizeAsync(HttpRequestMessage request, AuthenticationHeaderValue? rejected, CancellationToken ct) =>
        For(request) is { } auth ? auth.GetAuthorizationAsync(ct) : ValueTask.FromResult<AuthenticationHeaderValue?>(null);

    protected override bool Renew(HttpRequestMessage request, HttpResponseMessage unauthorized)
    {
        if (For(request) is not { } auth)
            return false;
        auth.Reject(AuthChallenge.From(unauthorized));
        return true;
    }

    RegistryAuthenticator? For(HttpRequestMessage request) =>
        authenticator() is { } auth && registryBase() is { } baseUri && request.RequestUri is { } uri
            && string.Equals(uri.Authority, baseUri.Authority, StringComparison.OrdinalIgnoreCase)
            ? auth
            : null;
}
