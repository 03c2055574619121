using KanikoBuild.Prisma.Api;
using Serilog;

namespace KanikoBuild.Prisma.Http;

/// <summary>
/// Exchanges the credentials for a Console token, renews it after <see cref="ComputeClientOptions.TokenRenewal"/>
/// (there is no supported renew endpoint: log in again, prisma.md §2.2), and registers every token as a secret.
/// A refused login is a <see cref="ComputeApiException"/> from the API's exception factory.
/// </summary>
internal sealed class TokenSource(IComputeApi api, ComputeClientOptions options, ConsoleEndpoint endpoint, TimeProvider time, ILogger log) : IDisposable
{
    readonly SemaphoreSlim _gate = new(1, 1);
    string? _token;
    DateTimeOffset _obtainedAt;

    public int Authentications { get; private set; }

    /// <param name="rejected">A token the Console just answered 401 to: never hand it out again.</param>
    public async Task<string> GetAsync(string? rejected, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var fresh = _token is not null && time.GetUtcNow() - _obtainedAt < options.TokenRenewal;
            if (fresh && _token != rejected)
                return _token!;
            _token = await AuthenticateAsync(ct).ConfigureAwait(false);
            _obtainedAt = time.GetUtcNow();
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<string> AuthenticateAsync(CancellationToken ct)
    {
        Authentications++;
        log.Debug("Authenticating to the Console at {Console} as {User}", endpoint.ConsoleUrl, options.Username);
        var answer = await api.AuthenticateAsync(new AuthenticationRequest(options.Username, options.Password), ct).ConfigureAwait(false);
        if (answer?.Token is not { Length: > 0 } token)
            throw new ComputeApiException($"The Console at {endpoint.ConsoleUrl} answered POST /authenticate without a token; check that the URL points at a Prisma Cloud Compute Console.", 200, isTransient: false);
        Secrets.Register(token);
        return token;
    }

    public void Dispose() => _gate.Dispose();
}
