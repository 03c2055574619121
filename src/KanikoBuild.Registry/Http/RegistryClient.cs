using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using Polly;

namespace KanikoBuild.Registry;

/// <summary>
/// A client of one registry host over the OCI distribution API. Connections are pooled and kept alive across
/// requests; authentication follows the registry's <c>WWW-Authenticate</c> challenge (anonymous, Basic, or Bearer
/// tokens for the repositories in use, reused until they expire). Manifests travel as exact bytes; blobs are
/// streamed, never held in memory.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    const string ApiPrefix = "v2/";

    readonly HttpClient _http;
    readonly RegistryClientOptions _options;
    readonly Serilog.ILogger _logger;
    readonly ResiliencePipeline<HttpResponseMessage> _requestRetry;
    readonly SemaphoreSlim _pingGate = new(1, 1);
    RegistryAuthenticator? _auth;
    Uri? _baseUri;
    long _bytesUploaded;

    public RegistryClient(RegistrySpec registry, RegistryClientOptions? options = null)
    {
        Registry = registry;
        _options = options ?? new RegistryClientOptions();
        _logger = (_options.Logger ?? Serilog.Log.Logger).ForContext<RegistryClient>();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            MaxConnectionsPerServer = _options.MaxConnectionsPerServer,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };
        if (IsInsecure)
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
        _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("KanikoBuild", "1.0"));
        _requestRetry = RetryPolicies.ForRequests(_options, _logger, registry.Host);
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
                    using var response = await _requestRetry.ExecuteAsync(async t => await _http.GetAsync(new Uri(baseUri, ApiPrefix), t).ConfigureAwait(false), timeout.Token).ConfigureAwait(false);
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
                        throw await RegistryException.FromResponseAsync(response, $"Reaching the registry API at {baseUri}", ct).ConfigureAwait(false);
                    var credential = await ResolveCredentialAsync(ct).ConfigureAwait(false);
                    _baseUri = baseUri;
                    _auth = new RegistryAuthenticator(_http, Registry.Host, credential, _options.TimeProvider, _logger) { Challenge = challenge };
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

    CancellationTokenSource Timeout(CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_options.RequestTimeout);
        return cts;
    }

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
    /// Sends an authorised request. <paramref name="create"/> is called once per attempt, so a request can be retried
    /// (transient failures) or resent with a fresh token (401 after a token expired).
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string repository, bool push, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, bool retry = true)
    {
        await PingAsync(ct).ConfigureAwait(false);
        _auth!.Require(repository, push);
        if (!retry)
            return await SendAuthorisedAsync(create, completion, ct).ConfigureAwait(false);
        return await _requestRetry.ExecuteAsync(
            static async (state, t) => await state.Client.SendAuthorisedAsync(state.Create, state.Completion, t).ConfigureAwait(false),
            (Client: this, Create: create, Completion: completion), ct).ConfigureAwait(false);
    }

    async Task<HttpResponseMessage> SendAuthorisedAsync(Func<HttpRequestMessage> create, HttpCompletionOption completion, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var request = create();
            request.Headers.Authorization = await _auth!.GetAuthorizationAsync(ct).ConfigureAwait(false);
            var response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0 || request.Content is StreamingContent)
                return response;
            // A token expired or the registry wants different scopes: take its challenge and try once more.
            _auth.Reject(AuthChallenge.From(response));
            response.Dispose();
        }
    }

    internal void CountUploaded(long bytes) => Interlocked.Add(ref _bytesUploaded, bytes);

    public void Dispose()
    {
        _http.Dispose();
        _pingGate.Dispose();
    }
}

/// <summary>Request content that can be sent only once (a stream); never resent after a 401.</summary>
internal abstract class StreamingContent : HttpContent;
