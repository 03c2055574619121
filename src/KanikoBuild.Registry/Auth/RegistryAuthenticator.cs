using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace KanikoBuild.Registry;

/// <summary>
/// Answers "which Authorization header goes on this request" for one registry host. With a Bearer challenge it
/// fetches a token for every repository scope the session has used so far (so one token serves the source pull,
/// the destination push and the mount's pull on the source) and reuses it until shortly before it expires.
/// </summary>
internal sealed class RegistryAuthenticator
{
    // A token fetched just before it expires would fail on the next request: renew early.
    static readonly TimeSpan s_expirySkew = TimeSpan.FromSeconds(15);
    static readonly TimeSpan s_defaultLifetime = TimeSpan.FromSeconds(60);

    readonly HttpClient _http;
    readonly string _host;
    readonly RegistryCredential? _credential;
    readonly TimeProvider _time;
    readonly Serilog.ILogger _logger;
    readonly ConcurrentDictionary<string, string> _scopes = new(StringComparer.Ordinal);
    readonly SemaphoreSlim _gate = new(1, 1);
    volatile CachedToken? _token;

    public RegistryAuthenticator(HttpClient http, string host, RegistryCredential? credential, TimeProvider time, Serilog.ILogger logger)
    {
        _http = http;
        _host = host;
        _credential = credential;
        _time = time;
        _logger = logger;
    }

    public AuthChallenge? Challenge { get; set; }

    /// <summary>How many tokens were fetched (tests check that tokens are reused).</summary>
    public int TokensFetched { get; private set; }

    sealed record CachedToken(string Scopes, string Value, DateTimeOffset RenewAt);

    /// <summary>Adds <c>repository:&lt;name&gt;:pull[,push]</c> to the session's scopes (push implies pull).</summary>
    public void Require(string repository, bool push)
    {
        _scopes.AddOrUpdate(repository, push ? "pull,push" : "pull", (_, existing) => push || existing == "pull,push" ? "pull,push" : "pull");
    }

    string ScopeKey() => string.Join(' ', _scopes.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"repository:{s.Key}:{s.Value}"));

    public async ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken ct)
    {
        var challenge = Challenge;
        if (challenge is null)
            return null;
        if (challenge.IsBasic)
            return BasicHeader(challenge);
        if (!challenge.IsBearer)
            throw new PipelineException($"The registry {_host} asks for '{challenge.Scheme}' authentication, which is not supported (Basic and Bearer are).");

        var scopes = ScopeKey();
        var token = _token;
        if (token is not null && token.Scopes == scopes && _time.GetUtcNow() < token.RenewAt)
            return new AuthenticationHeaderValue("Bearer", token.Value);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            scopes = ScopeKey();
            token = _token;
            if (token is null || token.Scopes != scopes || _time.GetUtcNow() >= token.RenewAt)
                _token = token = await FetchTokenAsync(challenge, scopes, ct).ConfigureAwait(false);
            return new AuthenticationHeaderValue("Bearer", token.Value);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>After a 401 to an authorised request: take the new challenge and drop the token, so the next request fetches one.</summary>
    public void Reject(AuthChallenge? challenge)
    {
        if (challenge is not null)
            Challenge = challenge with { Parameters = challenge.Parameters.Where(p => !p.Key.Equals("scope", StringComparison.OrdinalIgnoreCase)).ToDictionary(p => p.Key, p => p.Value) };
        _token = null;
    }

    AuthenticationHeaderValue BasicHeader(AuthChallenge challenge)
    {
        if (_credential is not { HasPassword: true })
            throw new PipelineException($"The registry {_host} requires a user and password (Basic authentication, realm '{challenge.Realm}'); pass the registry user and password parameters or run docker login {_host}.");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_credential.Username}:{_credential.Password}"));
        Secrets.Register(encoded);
        return new AuthenticationHeaderValue("Basic", encoded);
    }

    async Task<CachedToken> FetchTokenAsync(AuthChallenge challenge, string scopes, CancellationToken ct)
    {
        if (challenge.Realm is not { Length: > 0 } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
            throw new PipelineException($"The registry {_host} sent a Bearer challenge without a usable realm ('{challenge.Realm}').");
        var scopeList = scopes.Length == 0 ? [] : scopes.Split(' ');
        using var response = _credential?.IdentityToken is { } refreshToken
            ? await RefreshTokenRequestAsync(realmUri, challenge.Service, scopeList, refreshToken, ct).ConfigureAwait(false)
            : await _http.SendAsync(TokenGetRequest(realmUri, challenge.Service, scopeList), ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new PipelineException($"The token service {realmUri.GetLeftPart(UriPartial.Path)} of {_host} refused the credentials ({(int)response.StatusCode}); check the registry user and password{(_credential is null ? " (none were given, and none are in the Docker config)" : "")}.");
        if (!response.IsSuccessStatusCode)
            throw new RegistryException($"The token service {realmUri.GetLeftPart(UriPartial.Path)} of {_host} answered {(int)response.StatusCode} {response.ReasonPhrase}.", response.StatusCode, [],
                KanikoBuild.Http.RetryAfter.Read(response, _time, RetryPolicies.MaxRetryAfter));
        TokenAnswer? answer;
        try
        {
            answer = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), RegistryJson.Default.TokenAnswer, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw new PipelineException($"The token service of {_host} did not answer with JSON.");
        }
        // token and access_token are the same thing under two names (kaniko.md §5.5); expires_in is never under 60 s.
        var value = answer?.Token is { Length: > 0 } token ? token : answer?.AccessToken;
        var lifetime = answer?.ExpiresIn is > 0 and var seconds ? TimeSpan.FromSeconds(Math.Max(seconds, 60)) : s_defaultLifetime;
        if (string.IsNullOrEmpty(value))
            throw new PipelineException($"The token service of {_host} answered without a token.");
        Secrets.Register(value);
        TokensFetched++;
        _logger.Debug("Fetched a registry token for {Host} ({Scopes}), valid {Lifetime}", _host, scopes, lifetime);
        return new CachedToken(scopes, value, _time.GetUtcNow() + lifetime - s_expirySkew);
    }

    HttpRequestMessage TokenGetRequest(Uri realm, string? service, IReadOnlyList<string> scopes)
    {
        var query = new StringBuilder(realm.Query.TrimStart('?'));
        void Add(string key, string value)
        {
            if (query.Length > 0)
                query.Append('&');
            query.Append(key).Append('=').Append(Uri.EscapeDataString(value));
        }
        if (!string.IsNullOrEmpty(service))
            Add("service", service);
        foreach (var scope in scopes)
            Add("scope", scope);
        var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realm) { Query = query.ToString() }.Uri);
        if (_credential is { HasPassword: true })
            request.Headers.Authorization = BasicHeader(new AuthChallenge("Basic", new Dictionary<string, string>()));
        return request;
    }

    async Task<HttpResponseMessage> RefreshTokenRequestAsync(Uri realm, string? service, IReadOnlyList<string> scopes, string refreshToken, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", "kanikobuild"),
            new("scope", string.Join(' ', scopes)),
        };
        if (!string.IsNullOrEmpty(service))
            form.Add(new("service", service));
        var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) }, ct).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed))
            return response;
        // Some token services only serve GET (the OAuth2 POST flow is optional).
        response.Dispose();
        return await _http.SendAsync(TokenGetRequest(realm, service, scopes), ct).ConfigureAwait(false);
    }
}
