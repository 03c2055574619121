using KanikoBuild.Http;
using Polly;

namespace KanikoBuild.Registry;

/// <summary>
/// A registry's retries: the shared ones (<see cref="HttpResilience"/>: 5xx, 429, 408, timeouts and connection resets,
/// Retry-After, jittered back-off, all on the options' clock) with the registry's limits and log lines. The registry
/// protocol adds nothing to the one transient definition: a digest mismatch and an authorisation error are already
/// never retried there.
/// </summary>
internal static class RetryPolicies
{
    static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(30);

    /// <summary>A registry asking for longer (Docker Hub's pull limits ask for hours) is not waited for that long.</summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(2);

    /// <summary>One request: a ping, a HEAD, a manifest, a token, the start of an upload.</summary>
    public static ResiliencePipeline<HttpResponseMessage> ForRequests(RegistryClientOptions options, Serilog.ILogger logger, string host) =>
        HttpResilience.ForRequests(Options(options) with
        {
            OnRetry = notice => logger.Warning("Registry {Host}: {What}; retrying in {Delay:0.0} s (attempt {Attempt})",
                host, notice.Exception?.Message ?? $"{(int)notice.Response!.StatusCode} {notice.Response.ReasonPhrase}", notice.Delay.TotalSeconds, notice.Attempt + 1),
        });

    /// <summary>A whole blob transfer (start, stream, close), restarted from its source after a transient failure.</summary>
    public static ResiliencePipeline ForTransfers(RegistryClientOptions options, Serilog.ILogger logger, string host) =>
        HttpResilience.ForOperations(Options(options) with
        {
            OnRetry = notice => logger.Warning("Registry {Host}: blob transfer failed ({What}); retrying in {Delay:0.0} s (attempt {Attempt})",
                host, notice.Exception?.Message, notice.Delay.TotalSeconds, notice.Attempt + 1),
        });

    static HttpRetryOptions Options(RegistryClientOptions options) => new()
    {
        MaxRetries = Math.Max(options.MaxRetries, 0),
        BaseDelay = options.RetryBaseDelay,
        MaxDelay = s_maxDelay,
        MaxRetryAfter = MaxRetryAfter,
        TimeProvider = options.TimeProvider,
    };

    internal static bool IsTransient(Exception exception) => Transient.Exception(exception);

    internal static T? Find<T>(Exception exception) where T : Exception => Transient.Find<T>(exception);
}
