using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using KanikoBuild.Http;

namespace KanikoBuild.Registry;

/// <summary>
/// A client of one registry host over the OCI distribution API. Connections are pooled and kept alive across
/// requests; authentication follows the registry's <c>WWW-Authenticate</c> challenge (anonymous, Basic, or Bearer
/// tokens for the repositories in use, reused until they expire). Manifests travel as exact bytes; blobs are
/// streamed, never held in memory. Every request runs through the same handler chain as the Console's
/// (<see cref="HttpChain"/>): authentication (<see cref="RegistryAuthenticationHandler"/>), then the retries
/// (<see cref="RetryPolicies"/>), then the pooled transport.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    const string ApiPrefix = "v2/";

    readonly SocketsHttpHandler _transport;
    readonly HttpClient _http;
    // The token service and blob storage on other hosts: the same retries, never the registry's Authorization.
    readonly HttpClient _foreignHttp;
    readonly RegistryClientOptions _options;
    readonly Serilog.ILogger _logger;
    readonly SemaphoreSlim _pingGate = new(1, 1);
    RegistryAuthenticator? _auth;
    Uri? _baseUri;
    long _bytesUploaded;

    public RegistryClient(RegistrySpec registry, RegistryClientOptions? options = null)
    {
        Registry = registry;
        _options = options ?? new RegistryClientOptions();
        _logger = (_options.Logger ?? Serilog.Log.Logger).ForContext<RegistryClient>();
        _transport = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            MaxConnectionsPerServer = _options.MaxConnectionsPerServer,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };
        if (IsInsecure)
            _transport.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
        var retries = RetryPolicies.ForRequests(_options, _logger, registry.Host);
        _http = Client(HttpChain.Compose(HttpChain.Borrowed(_transport),
            new RegistryAuthenticationHandler(() => _auth, () => _baseUri), new ResilienceHandler(retries)));
        _foreignHttp = Client(HttpChain.Compose(HttpChain.Borrowed(_transport), new ResilienceHandler(retries)));
    }

    static HttpClient Client(HttpMessageHandler chain)
    {
        // Requests are bounded by the caller's token (RequestTimeout, or a transfer's progress), not by HttpClient's clock.
        var client = new HttpClient(chain) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("KanikoBuild", "1.0"));
        return client;
    }

    public RegistrySpec Registry { get; }

    /// <summary>Blob bytes this client sent to the registry (mounts and skipped blobs send none).</summary>
    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    /// <summary>Bearer tokens fetched so far (one per scope set and lifetime).</summary>
    public int TokensFetched => _auth?.TokensFetched ?? 0;

    /// <summary>The API's base address once pinged (https://host/ or, for insecure and loopback registries, possibly http://host/).</summary>
    public Uri? BaseUri => _baseUri;

    internal RegistryClientOptions Options => _options;
    internal Serilog.ILogger Logger => _logger;

    bool IsInsecure => Registry.IsLoopback || _options.InsecureRegistries.Any(r => string.Equals(RegistrySpec.Parse(r, "--insecure-registry").Host, Registry.Host, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// <c>GET /v2/</c>: finds the scheme (HTTPS; plain HTTP only for insecure or loopback registries) and the
    /// authentication challenge. Runs once; later calls return at once.
    /// </summary>
    public async Task PingAsync(CancellationToken ct = default)
    {
        if (_auth is not null)
            return;
        await _pingGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_auth is not null)
                return;
            var host = Registry.ApiHost;
            // Loopback and --insecure-registry hosts: plain HTTP first (no TLS set-up on every start), HTTPS when the
            // port turns out to speak TLS. Every other registry: HTTPS only.
            var candidates = IsInsecure ? new[] { $"http://{host}/", $"https://{host}/" } : [$"https://{host}/"];
            Exception? last = null;
            foreach (var candidate in candidates)
            {
                var baseUri = new Uri(candidate);
                var isLast = candidate == candidates[^1];
                try
                {
                    using var timeout = Timeout(ct);
                    // No authenticator yet: the chain sends it bare, and a 401 here is the challenge, not a refusal.
                    using var response = await _http.GetAsync(new Uri(baseUri, ApiPrefix), timeout.Token).ConfigureAwait(false);
                    var challenge = response.StatusCode == HttpStatusCode.Unauthorized ? AuthChallenge.From(response) : null;
                    var answered = response.IsSuccessStatusCode || challenge is not null;
                    // A TLS port answers plain HTTP with 400: not this scheme.
                    if (!answered && !isLast)
                    {
                        last = new HttpRequestException($"{baseUri} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                        continue;
                    }
                    if (response.StatusCode == HttpStatusCode.Unauthorized && challenge is null)
                        throw new PipelineException($"The registry {Registry.Host} answered 401 to /v2/ without a Basic or Bearer challenge.");
                    if (!answered)
                        throw await FailureAsync(response, $"Reaching the registry API at {baseUri}", ct).ConfigureAwait(false);
                    var credential = await ResolveCredentialAsync(ct).ConfigureAwait(false);
                    _baseUri = baseUri;
                    _auth = new RegistryAuthenticator(_foreignHttp, Registry.Host, credential, _options.TimeProvider, _logger) { Challenge = challenge };
                    _logger.Debug("Registry {Host}: API at {BaseUri}, authentication {Scheme}", Registry.Host, baseUri, challenge?.Scheme ?? "none");
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    last = e;
                }
            }
            var insecureHint = IsInsecure ? "" : $" If it serves plain HTTP, name it with --insecure-registry {Registry.Host}.";
            throw new PipelineException($"The registry {Registry.Host} is not reachable ({last?.GetBaseException().Message}).{insecureHint}", last!);
        }
        finally
        {
            _pingGate.Release();
        }
    }

    async Task<RegistryCredential?> ResolveCredentialAsync(CancellationToken ct)
    {
        if (_options.Credential is { } given)
            return given;
        if (!_options.UseDockerConfig)
            return null;
        return await new DockerConfigCredentials(_options.DockerConfigPath).FindAsync(Registry.Host, ct).ConfigureAwait(false);
    }

    RequestDeadline Timeout(CancellationToken ct) => new(_options.RequestTimeout, _options.TimeProvider, ct);

    /// <summary>Adds a repository to the session's token scope (push implies pull); cross-repository mounts need pull on the source.</summary>
    public void RequireScope(string repository, bool push)
    {
        if (_auth is null)
            throw new InvalidOperationException("Ping the registry first.");
        _auth.Require(repository, push);
    }

    internal Uri ApiUri(string relative) => new(_baseUri!, ApiPrefix + relative);

    internal Uri Resolve(string location) => new(_baseUri!, location);

    /// <summary>
    /// Sends a request to the registry through the handler chain (authorised, retried when transient). With
    /// <paramref name="retry"/> false it goes once (a step of an upload session: the whole transfer restarts instead);
    /// a body that streams from its source is never resent, not even after a 401.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string repository, bool push, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, bool retry = true)
    {
        await PingAsync(ct).ConfigureAwait(false);
        _auth!.Require(repository, push);
        var request = create();
        if (!retry)
            request.Options.Set(ResilienceHandler.SendOnce, true);
        return await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
    }

    /// <summary>A request to another host (blob storage a registry redirected to): retried, never authorised.</summary>
    internal Task<HttpResponseMessage> SendForeignAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct) =>
        _foreignHttp.SendAsync(request, completion, ct);

    /// <summary>The registry's error, read from its answer, as one readable exception.</summary>
    internal Task<RegistryException> FailureAsync(HttpResponseMessage response, string what, CancellationToken ct) =>
        RegistryException.FromResponseAsync(response, what, _options.TimeProvider, ct);

    internal void CountUploaded(long bytes) => Interlocked.Add(ref _bytesUploaded, bytes);

    public void Dispose()
    {
        _http.Dispose();
        _foreignHttp.Dispose();
        _transport.Dispose();
        _pingGate.Dispose();
    }
}

/// <summary>The caller's token, cancelled as well once <c>RequestTimeout</c> has passed on the options' clock.</summary>
internal sealed class RequestDeadline : IDisposable
{
    readonly CancellationTokenSource _timer;
    readonly CancellationTokenSource _linked;

    public RequestDeadline(TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        _timer = new CancellationTokenSource(limit, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _timer.Token);
    }

    public CancellationToken Token => _linked.Token;

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
