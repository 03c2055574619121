using KanikoBuild.Http;
using Polly;
using Polly.Timeout;
using Serilog;

namespace KanikoBuild.Prisma.Http;

/// <summary>
/// The Console's retries: the shared ones (<see cref="HttpResilience"/>: 5xx, 408, 429, timeouts and network errors,
/// Retry-After, jittered back-off) plus what this protocol adds: a 2xx with a cut or non-JSON body is retried, a TLS
/// failure never is, and a Console that has never answered is only tried for
/// <see cref="ComputeClientOptions.ReachabilityWindow"/> (see <see cref="ConsoleReachability"/>), the back-off cut to
/// what is left of it. 400, 401, 403 and 404 are answers, not accidents: never retried.
/// </summary>
internal static class ConsoleResilience
{
    public static HttpRetryOptions Options(ComputeClientOptions options, ConsoleReachability reachability, TimeProvider time, ILogger log) => new()
    {
        MaxRetries = options.MaxRetries,
        BaseDelay = options.RetryBaseDelay,
        MaxDelay = options.RetryMaxDelay,
        MaxRetryAfter = options.CallTimeout,
        CallTimeout = options.CallTimeout,
        TimeProvider = time,
        Classify = outcome => Classify(outcome, reachability),
        LimitDelay = delay => reachability.RemainingWindow() is { } remaining && remaining < delay ? remaining : delay,
        OnRetry = notice => log.Warning("Console {Outcome} to {Request}; retry {Attempt} of {Max} in {Delay:0.0} s",
            notice.Outcome, notice.Request, notice.Attempt, notice.MaxRetries, notice.Delay.TotalSeconds),
    };

    /// <summary>Null leaves the outcome to <see cref="Transient"/>.</summary>
    static bool? Classify(Outcome<HttpResponseMessage> outcome, ConsoleReachability reachability) => outcome.Exception switch
    {
        MalformedResponseException => true,
        TimeoutRejectedException when !reachability.HasAnswered =>
            reachability.MayRetry(new ConnectionFailure(ConsoleProblem.Timeout, "no answer in time", Permanent: false)),
        HttpRequestException or IOException when ConnectionFailure.Classify(outcome.Exception) is { } failure => reachability.MayRetry(failure),
        _ => null,
    };
}
