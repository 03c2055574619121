using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using KanikoBuild.Prisma.Api;
using KanikoBuild.Prisma.Http;
using KanikoBuild.Prisma.Results;
using Polly.Timeout;
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
/// The Prisma Cloud Compute API as KanikoBuild uses it: Refit for the requests, Polly for retries, back-off,
/// the request budget and timeouts, a token renewed every few minutes, and answers mapped to clear errors that
/// say which role an account lacks. Thread-safe; one per Console.
/// </summary>
public sealed class ComputeClient : IDisposable
{
    public const int PageSize = 50;

    readonly ComputeClientOptions _options;
    readonly ILogger _log;
    readonly HttpClient _http;
    readonly HttpClient _authHttp;
    readonly IComputeApi _api;
    readonly TokenSource _tokens;
    readonly ConsoleRequestBudget _budget;
    readonly ConsoleReachability _reachability;

    public ComputeClient(ComputeClientOptions options, TimeProvider? time = null, ILogger? log = null, HttpMessageHandler? transport = null)
    {
        _options = options;
        time ??= TimeProvider.System;
        _log = log ?? Log.Logger;
        Secrets.Register(options.Password);
        Endpoint = ConsoleEndpoint.Create(options.ConsoleUrl, options.ApiVersion);

        // A caller's transport stays the caller's to dispose.
        transport = transport is null ? CreateTransport(options.CaCertificatePath, options.ConnectTimeout) : new SharedTransport(transport);
        _budget = new ConsoleRequestBudget(options.RateLimitRequests, options.RateLimitWindow, time);
        _reachability = new ConsoleReachability(time, options.ReachabilityWindow);
        var pipeline = ComputeResilience.Build(options, _budget, _reachability, time, _log);
        var settings = new RefitSettings(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        // Authentication has its own chain (no bearer handler) over the same transport, pipeline and budget.
        _authHttp = new HttpClient(new ResilienceHandler(pipeline, _reachability, transport), disposeHandler: false)
        {
            BaseAddress = Endpoint.ApiBase,
            Timeout = Timeout.InfiniteTimeSpan, // Polly bounds every call, on the injected clock.
        };
        _tokens = new TokenSource(RestService.For<IComputeApi>(_authHttp, settings), options, Endpoint, _reachability, time, _log);

        HttpMessageHandler chain = new ResilienceHandler(pipeline, _reachability, transport);
        if (!string.IsNullOrEmpty(options.Project))
            chain = new ProjectHandler(options.Project, chain);
        chain = new AuthenticationHandler(_tokens, chain);
        _http = new HttpClient(chain) { BaseAddress = Endpoint.ApiBase, Timeout = Timeout.InfiniteTimeSpan };
        _api = RestService.For<IComputeApi>(_http, settings);
    }

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
        using var response = await SendAsync(() => _api.GetVersionAsync(ct), "GET /version", Permission.Any, ct).ConfigureAwait(false);
        var text = (await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)).Trim();
        var version = text.Replace("\"", string.Empty, StringComparison.Ordinal).Trim();
        if (version.Length == 0 || version.Length > 64 || version.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+')))
            throw new ComputeApiException($"The Console at {Endpoint.ConsoleUrl} answered GET /version with '{Truncate(text)}', not a version.", 200, isTransient: false);
        return version;
    }

    /// <summary>One page (at most <see cref="PageSize"/> entries) of <c>GET /registry</c>.</summary>
    public async Task<IReadOnlyList<RegistryScanEntry>> GetRegistryPageAsync(RegistryQuery query, int offset, CancellationToken ct)
    {
        using var response = await SendAsync(
            () => _api.GetRegistryAsync(query.Name, query.Registry, query.Repository, query.ImageId, offset, PageSize, ct),
            "GET /registry", Permission.MonitorImages, ct).ConfigureAwait(false);
        var entries = await ReadArrayAsync(response, "GET /registry", ct).ConfigureAwait(false);
        return entries.Select(RegistryScanEntry.Parse).ToList();
    }

    /// <summary>Every entry matching <paramref name="query"/>, paging by 50 (until a short page, or <c>Total-Count</c>).</summary>
    public async Task<IReadOnlyList<RegistryScanEntry>> GetRegistryResultsAsync(RegistryQuery query, CancellationToken ct, int maxPages = 20)
    {
        var all = new List<RegistryScanEntry>();
        for (var page = 0; page < maxPages; page++)
        {
            var entries = await GetRegistryPageAsync(query, page * PageSize, ct).ConfigureAwait(false);
            all.AddRange(entries);
            if (entries.Count < PageSize)
                break;
        }
        return all;
    }

    /// <summary><c>POST /registry/scan</c> with <c>onDemandScan: true</c> for one image (prisma.md §2.4).</summary>
    public async Task TriggerRegistryScanAsync(ImageTagRequest image, CancellationToken ct)
    {
        using var response = await SendAsync(() => _api.ScanRegistryAsync(new RegistryScanRequest(image, OnDemandScan: true), ct),
            "POST /registry/scan", Permission.ScanRegistries, ct).ConfigureAwait(false);
    }

    /// <summary><c>GET /registry/progress?onDemand=true</c>; empty when no scan runs (finished, or never started).</summary>
    public async Task<IReadOnlyList<ScanProgress>> GetRegistryProgressAsync(string? registry, string repo, string? tag, string? digest, CancellationToken ct)
    {
        using var response = await SendAsync(() => _api.GetRegistryProgressAsync(true, registry, repo, tag, digest, ct),
            "GET /registry/progress", Permission.MonitorImages, ct).ConfigureAwait(false);
        return (await ReadArrayAsync(response, "GET /registry/progress", ct).ConfigureAwait(false)).Select(ScanProgress.Parse).ToList();
    }

    /// <summary><c>GET /scans</c>: CI scan results (<c>shared.CLIScanResult</c>), raw.</summary>
    public async Task<IReadOnlyList<JsonElement>> GetCiScansAsync(string? jobName, string? imageId, CancellationToken ct, int limit = PageSize)
    {
        using var response = await SendAsync(() => _api.GetScansAsync(jobName, imageId, null, 0, Math.Min(limit, PageSize), true, ct),
            "GET /scans", Permission.MonitorCi, ct).ConfigureAwait(false);
        return await ReadArrayAsync(response, "GET /scans", ct).ConfigureAwait(false);
    }

    /// <summary>Streams the platform's twistcli into <paramref name="destination"/>.</summary>
    public async Task DownloadTwistcliAsync(TwistcliPlatform platform, Stream destination, CancellationToken ct)
    {
        Func<Task<HttpResponseMessage>> call = platform switch
        {
            TwistcliPlatform.LinuxArm64 => () => _api.DownloadTwistcliLinuxArm64Async(ct),
            TwistcliPlatform.MacAmd64 => () => _api.DownloadTwistcliMacAsync(ct),
            TwistcliPlatform.MacArm64 => () => _api.DownloadTwistcliMacArm64Async(ct),
            TwistcliPlatform.Windows => () => _api.DownloadTwistcliWindowsAsync(ct),
            _ => () => _api.DownloadTwistcliLinuxAsync(ct),
        };
        using var response = await SendAsync(call, $"GET twistcli ({platform})", Permission.Downloads, ct).ConfigureAwait(false);
        await response.Content.CopyToAsync(destination, ct).ConfigureAwait(false);
    }

    internal enum Permission { Any, MonitorImages, MonitorCi, ScanRegistries, Downloads }

    async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> call, string what, Permission permission, CancellationToken ct)
    {
        var response = await CallAsync(call, Endpoint, _reachability, what, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
        {
            var detail = await ErrorDetailAsync(response, ct).ConfigureAwait(false);
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new ComputeApiException(
                    $"The Console answered 401 to {what} even with a new token{detail}. {RoleHint(permission)}", 401, isTransient: false, ConsoleProblem.PermissionDenied),
                HttpStatusCode.Forbidden => new ComputeApiException(
                    $"The Console account '{_options.Username}' may not call {what} (403{detail}). {RoleHint(permission)}", 403, isTransient: false, ConsoleProblem.PermissionDenied),
                HttpStatusCode.NotFound => NotFound(Endpoint, what, detail),
                HttpStatusCode.BadRequest => new ComputeApiException(
                    $"The Console rejected {what} (400{detail}).", 400, isTransient: false),
                _ => Unexpected(response, Endpoint, what, detail),
            };
        }
    }

    /// <summary>Runs one Refit call; what is left after the retries becomes a <see cref="ComputeApiException"/>.</summary>
    internal static async Task<HttpResponseMessage> CallAsync(Func<Task<HttpResponseMessage>> call, ConsoleEndpoint endpoint, ConsoleReachability reachability, string what, CancellationToken ct)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PipelineException and not OperationCanceledException)
        {
            // Refit wraps what the handlers throw (ApiRequestException); the cause is what matters.
            var cause = e;
            while (cause is ApiException or ApiRequestException && cause.InnerException is not null)
                cause = cause.InnerException;
            if (cause is PipelineException or OperationCanceledException && cause is not TimeoutRejectedException)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            if (ct.IsCancellationRequested)
                throw new OperationCanceledException(ct);
            if (!reachability.HasAnswered && NeverReached(cause, endpoint, reachability) is { } unreachable)
                throw unreachable;
            if (cause is HttpRequestException && ConnectionFailure.Classify(cause) is { Problem: ConsoleProblem.Tls } tls)
                throw new ComputeApiException($"The Console at {endpoint.ConsoleUrl} cannot be reached: {tls.Cause}. {Advice(tls.Problem)}", null, isTransient: false, tls.Problem, cause);
            if (cause is TimeoutRejectedException)
                throw new ComputeApiException($"The Console at {endpoint.ConsoleUrl} did not answer {what} in time ({cause.Message}).", null, isTransient: true, ConsoleProblem.Timeout, cause);
            if (cause is HttpRequestException or IOException or MalformedResponseException)
            {
                var problem = cause is MalformedResponseException ? ConsoleProblem.MalformedAnswer : ConnectionFailure.Classify(cause)?.Problem ?? ConsoleProblem.Unreachable;
                throw new ComputeApiException($"The Console at {endpoint.ConsoleUrl} did not give a usable answer to {what}: {cause.Message}. Check that it is reachable and healthy.", null, isTransient: true, problem, cause);
            }
            throw;
        }
    }

    /// <summary>
    /// A Console that has not answered once since this client started is not having an outage: the URL, the
    /// network or the Console's state is wrong, and waiting longer will not change it. One sentence: which URL, why.
    /// </summary>
    static ComputeApiException? NeverReached(Exception cause, ConsoleEndpoint endpoint, ConsoleReachability reachability)
    {
        var failure = cause is TimeoutRejectedException
            ? new ConnectionFailure(ConsoleProblem.Timeout, $"no answer in time ({cause.Message.TrimEnd('.')})", Permanent: false)
            : ConnectionFailure.Classify(cause);
        if (failure is null)
            return null;
        return new ComputeApiException(
            $"The Console at {endpoint.ConsoleUrl} cannot be reached: {failure.Cause}; no answer since the start ({reachability.Attempts()}). {Advice(failure.Problem)}",
            null, isTransient: false, failure.Problem, cause);
    }

    /// <summary>What to check for each way of not reaching the Console.</summary>
    internal static string Advice(ConsoleProblem problem) => problem switch
    {
        ConsoleProblem.ConnectionRefused => "Nothing listens at that host and port: check --console-url (host and port; self-hosted Consoles use 8083) and that the Console is running.",
        ConsoleProblem.Dns => "Check the host name in --console-url, and that this machine's DNS resolves it.",
        ConsoleProblem.Tls => "If the Console's certificate comes from a private CA, pass that CA with --console-ca-cert; if the port serves plain HTTP, the URL must start with http://.",
        ConsoleProblem.Timeout => "Check --console-url, and the proxy and firewall between this machine and the Console.",
        _ => "Check --console-url, and the network, proxy and firewall between this machine and the Console.",
    };

    internal static ComputeApiException NotFound(ConsoleEndpoint endpoint, string what, string detail = "") => new(
        $"The Console has no {what} at {endpoint.ApiBase} (404{detail}). Check --console-url (a SaaS Console needs its path prefix, e.g. https://host/us-3-123456789) and the API version.",
        404, isTransient: false, ConsoleProblem.NotFound);

    internal static ComputeApiException Unexpected(HttpResponseMessage response, ConsoleEndpoint endpoint, string what, string detail = "")
    {
        var status = (int)response.StatusCode;
        var transient = ComputeResilience.IsTransient(response.StatusCode);
        return new ComputeApiException(
            $"The Console at {endpoint.ConsoleUrl} answered {status} {response.ReasonPhrase} to {what}{detail}{(transient ? " after several retries" : string.Empty)}.",
            status, transient, transient ? ConsoleProblem.ServerError : ConsoleProblem.Other);
    }

    static string RoleHint(Permission permission) => permission switch
    {
        Permission.MonitorImages => "Reading registry scan results needs the monitorImages permission: a DevSecOps User, Auditor or higher role " +
            "(on SaaS a permission group with Monitor > Vulnerabilities > Images). A CI User cannot read them.",
        Permission.MonitorCi => "Reading CI scan results needs the monitorCI permission: a DevOps User, DevSecOps User, Auditor or higher role. A CI User cannot read them.",
        Permission.ScanRegistries => "Triggering a registry scan needs write access to registry scanning (e.g. the Administrator or Vulnerability Manager role). " +
            "If a registry webhook starts the scan, run with --trigger-scan false.",
        Permission.Downloads => "Downloading twistcli needs the downloads permission, which every role including CI User has: check that the account is enabled.",
        _ => "Check that the account is enabled and its role may use the Compute API.",
    };

    static async Task<string> ErrorDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            using var document = JsonDocument.Parse(text);
            return JsonLenient.String(document.RootElement, "err", "error", "message") is { Length: > 0 } err ? $": {Truncate(err)}" : string.Empty;
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            return string.Empty;
        }
    }

    static async Task<IReadOnlyList<JsonElement>> ReadArrayAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (body.Length == 0)
            return [];
        using var document = JsonDocument.Parse(body); // the resilience handler already checked it parses
        return document.RootElement.ValueKind switch
        {
            JsonValueKind.Array => document.RootElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(e => e.Clone()).ToList(),
            JsonValueKind.Null => [],
            _ => throw new ComputeApiException($"The Console answered {what} with a JSON {document.RootElement.ValueKind}, not an array.", (int)response.StatusCode, isTransient: true),
        };
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

    sealed class SharedTransport(HttpMessageHandler inner) : HttpMessageHandler
    {
        readonly HttpMessageInvoker _invoker = new(inner, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) => _invoker.SendAsync(request, ct);
    }

    public void Dispose()
    {
        _http.Dispose();
        _authHttp.Dispose();
        _tokens.Dispose();
        _budget.Dispose();
    }
}
