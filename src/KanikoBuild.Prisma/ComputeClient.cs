using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using KanikoBuild.Http;
using KanikoBuild.Prisma.Api;
using KanikoBuild.Prisma.Http;
using KanikoBuild.Prisma.Results;
using Refit;
using Serilog;

namespace KanikoBuild.Prisma;

/// <summary>Filters of <c>GET /registry</c>. <c>name</c> is the full image name (<c>registry/repo:tag</c>).</summary>
public sealed record RegistryQuery(string? Name = null, string? Registry = null, string? Repository = null, string? ImageId = null);

public enum TwistcliPlatform
{
    LinuxAmd64,
    LinuxArm64,
    MacAmd64,
    MacArm64,
    Windows,
}

/// <summary>
/// The Prisma Cloud Compute API as KanikoBuild uses it: Refit for the requests and their typed answers, and the
/// handler chain every request runs through, outermost first (<see cref="HttpChain"/>): the bearer token (renewed
/// every few minutes, and once on a 401), <c>?project=</c>, the retries (call timeout, back-off, Retry-After), the
/// request budget, the attempt timeout, the JSON check, the reachability record. Failures become clear errors
/// (<see cref="ComputeApiException"/>) in Refit's exception factories, naming the role an account lacks. Thread-safe;
/// one per Console.
/// </summary>
public sealed class ComputeClient : IDisposable
{
    public const int PageSize = 50;

    readonly HttpMessageHandler _transport;
    readonly HttpClient _http;
    readonly HttpClient _authHttp;
    readonly IComputeApi _api;
    readonly TokenSource _tokens;
    readonly ConsoleRequestBudget _budget;
    readonly ConsoleReachability _reachability;

    public ComputeClient(ComputeClientOptions options, TimeProvider? time = null, ILogger? log = null, HttpMessageHandler? transport = null)
    {
        time ??= TimeProvider.System;
        log ??= Log.Logger;
        Secrets.Register(options.Password);
        Endpoint = ConsoleEndpoint.Create(options.ConsoleUrl, options.ApiVersion);

        // A caller's transport stays the caller's to dispose.
        _transport = transport is null ? CreateTransport(options.CaCertificatePath, options.ConnectTimeout) : HttpChain.Borrowed(transport);
        _budget = new ConsoleRequestBudget(options.RateLimitRequests, options.RateLimitWindow, time);
        _reachability = new ConsoleReachability(time, options.ReachabilityWindow);
        var retries = HttpResilience.ForRequests(ConsoleResilience.Options(options, _reachability, time, log));
        var attempts = HttpResilience.ForAttempts(options.AttemptTimeout, time);
        var settings = ComputeApiSettings.Create(Endpoint, options, _reachability);

        // Logging in has the same chain without the bearer handler, over the same transport, retries and budget.
        _authHttp = Client(HttpChain.Compose(HttpChain.Borrowed(_transport),
            new ResilienceHandler(retries), new RequestBudgetHandler(_budget), new ResilienceHandler(attempts),
            new JsonAnswerHandler(), new ReachabilityHandler(_reachability)));
        _tokens = new TokenSource(RestService.For<IComputeApi>(_authHttp, settings), options, Endpoint, time, log);

        _http = Client(HttpChain.Compose(HttpChain.Borrowed(_transport),
            new ConsoleAuthenticationHandler(_tokens),
            string.IsNullOrEmpty(options.Project) ? null : new ProjectHandler(options.Project),
            new ResilienceHandler(retries), new RequestBudgetHandler(_budget), new ResilienceHandler(attempts),
            new JsonAnswerHandler(), new ReachabilityHandler(_reachability)));
        _api = RestService.For<IComputeApi>(_http, settings);
    }

    // The call timeout bounds every call, on the injected clock: HttpClient's own (real-time) timeout is off.
    HttpClient Client(HttpMessageHandler chain) => new(chain) { BaseAddress = Endpoint.ApiBase, Timeout = Timeout.InfiniteTimeSpan };

    public ConsoleEndpoint Endpoint { get; }

    /// <summary>HTTP requests sent so far (every attempt, authentication included).</summary>
    public long RequestsSent => _budget.TotalGranted;

    public int Authentications => _tokens.Authentications;

    /// <summary>Whether the Console has given any HTTP answer to this client yet.</summary>
    public bool HasAnswered => _reachability.HasAnswered;

    /// <summary>A current token, e.g. for twistcli's <c>--token</c>; registered as a secret.</summary>
    public Task<string> GetTokenAsync(CancellationToken ct) => _tokens.GetAsync(rejected: null, ct);

    /// <summary><c>GET /version</c>: the JSON string without its quotes, e.g. <c>34.04.145</c>.</summary>
    public async Task<string> GetVersionAsync(CancellationToken ct)
    {
        var text = (await _api.GetVersionAsync(ct).ConfigureAwait(false) ?? string.Empty).Trim();
        var version = VersionText(text);
        if (version.Length == 0 || version.Length > 64 || version.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+')))
            throw new ComputeApiException($"The Console at {Endpoint.ConsoleUrl} answered GET /version with '{Truncate(text)}', not a version.", 200, isTransient: false);
        return version;
    }

    /// <summary>One page (at most <see cref="PageSize"/> entries) of <c>GET /registry</c>.</summary>
    public async Task<IReadOnlyList<RegistryScanEntry>> GetRegistryPageAsync(RegistryQuery query, int offset, CancellationToken ct) =>
        (await GetPageAsync(query, offset, ct).ConfigureAwait(false)).Entries;

    /// <summary>Every entry matching <paramref name="query"/>, paging by 50 until a short page, or <c>Total-Count</c> when the Console sends it.</summary>
    public async Task<IReadOnlyList<RegistryScanEntry>> GetRegistryResultsAsync(RegistryQuery query, CancellationToken ct, int maxPages = 20)
    {
        var all = new List<RegistryScanEntry>();
        for (var page = 0; page < maxPages; page++)
        {
            var (entries, total) = await GetPageAsync(query, page * PageSize, ct).ConfigureAwait(false);
            all.AddRange(entries);
            if (entries.Count < PageSize || (total is { } count && (page + 1) * PageSize >= count))
                break;
        }
        return all;
    }

    async Task<(IReadOnlyList<RegistryScanEntry> Entries, long? Total)> GetPageAsync(RegistryQuery query, int offset, CancellationToken ct)
    {
        using var page = await _api.GetRegistryAsync(query.Name, query.Registry, query.Repository, query.ImageId, offset, PageSize, ct).ConfigureAwait(false);
        // Failures were thrown by the exception factories; Total-Count is undocumented, so only a number counts (prisma.md §2.9).
        long? total = page.Headers?.TryGetValues("Total-Count", out var values) == true
            && long.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : null;
        return (page.Content?.OfType<RegistryScanEntry>().ToList() ?? [], total);
    }

    /// <summary><c>POST /registry/scan</c> with <c>onDemandScan: true</c> for one image (prisma.md §2.4).</summary>
    public async Task TriggerRegistryScanAsync(ImageTagRequest image, CancellationToken ct) =>
        await _api.ScanRegistryAsync(new RegistryScanRequest(image, OnDemandScan: true), ct).ConfigureAwait(false);

    /// <summary><c>GET /registry/progress?onDemand=true</c>; empty when no scan runs (finished, or never started).</summary>
    public async Task<IReadOnlyList<ScanProgress>> GetRegistryProgressAsync(string? registry, string repo, string? tag, string? digest, CancellationToken ct) =>
        (await _api.GetRegistryProgressAsync(true, registry, repo, tag, digest, ct).ConfigureAwait(false))?.OfType<ScanProgress>().ToList() ?? [];

    /// <summary><c>GET /scans</c>: CI scan results (<c>shared.CLIScanResult</c>), raw.</summary>
    public async Task<IReadOnlyList<JsonElement>> GetCiScansAsync(string? jobName, string? imageId, CancellationToken ct, int limit = PageSize) =>
        (await _api.GetScansAsync(jobName, imageId, null, 0, Math.Min(limit, PageSize), true, ct).ConfigureAwait(false))?
            .Where(e => e.ValueKind == JsonValueKind.Object).ToList() ?? [];

    /// <summary>Streams the platform's twistcli into <paramref name="destination"/>.</summary>
    public async Task DownloadTwistcliAsync(TwistcliPlatform platform, Stream destination, CancellationToken ct)
    {
        Func<Task<Stream>> call = platform switch
        {
            TwistcliPlatform.LinuxArm64 => () => _api.DownloadTwistcliLinuxArm64Async(ct),
            TwistcliPlatform.MacAmd64 => () => _api.DownloadTwistcliMacAsync(ct),
            TwistcliPlatform.MacArm64 => () => _api.DownloadTwistcliMacArm64Async(ct),
            TwistcliPlatform.Windows => () => _api.DownloadTwistcliWindowsAsync(ct),
            _ => () => _api.DownloadTwistcliLinuxAsync(ct),
        };
        await using var body = await call().ConfigureAwait(false);
        await body.CopyToAsync(destination, ct).ConfigureAwait(false);
    }

    /// <summary>The Console writes a JSON string (<c>"34.04.145"</c>); some builds and proxies write it bare.</summary>
    static string VersionText(string text)
    {
        // A bare JSON literal is a wrong-shaped answer, not a version named "true" or "null".
        if (text is "true" or "false" or "null")
            return string.Empty;
        if (!text.StartsWith('"'))
            return text;
        try
        {
            return JsonSerializer.Deserialize<string>(text)?.Trim() ?? string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    static SocketsHttpHandler CreateTransport(string? caCertificatePath, TimeSpan connectTimeout)
    {
        // A bounded connect: a firewall that drops packets must not hold each attempt for the whole attempt timeout.
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = connectTimeout };
        if (string.IsNullOrEmpty(caCertificatePath))
            return handler;
        if (!File.Exists(caCertificatePath))
            throw new PipelineException($"The Console CA certificate '{caCertificatePath}' does not exist; check --console-ca-cert.");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caCertificatePath);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new PipelineException($"The Console CA certificate '{caCertificatePath}' is not a PEM certificate ({e.Message}); check --console-ca-cert.", e);
        }
        if (authorities.Count == 0)
            throw new PipelineException($"The Console CA certificate '{caCertificatePath}' holds no certificate; check --console-ca-cert.");
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return handler;
    }

    public void Dispose()
    {
        _http.Dispose();
        _authHttp.Dispose();
        _transport.Dispose();
        _tokens.Dispose();
        _budget.Dispose();
    }
}
