using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Serilog;

namespace KanikoBuild.Prisma.Http;

/// <summary>
/// The Polly pipeline every Console request runs through, outermost first: a timeout for the whole call;
/// retries with exponential back-off and jitter on 5xx, 408, 429, timeouts, transport errors and malformed
/// bodies (honouring Retry-After); the request budget; a timeout per attempt. 400, 401, 403 and 404 are
/// answers, not accidents: they are never retried. Neither is a TLS failure, and a Console that has never
/// answered is only tried for <see cref="ComputeClientOptions.ReachabilityWindow"/> (see <see cref="ConsoleReachability"/>).
/// </summary>
internal static class ComputeResilience
{
    public static readonly ResiliencePropertyKey<string> RequestName = new("kanikobuild.request");

    public static ResiliencePipeline<HttpResponseMessage> Build(ComputeClientOptions options, ConsoleRequestBudget budget, ConsoleReachability reachability, TimeProvider time, ILogger log)
    {
        var maxRetryAfter = options.CallTimeout;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.CallTimeout })
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } response } => IsTransient(response.StatusCode),
                    { Exception: MalformedResponseException } => true,
                    { Exception: TimeoutRejectedException } when !reachability.HasAnswered =>
                        reachability.MayRetry(new ConnectionFailure(ConsoleProblem.Timeout, "no answer in time", Permanent: false)),
                    { Exception: TimeoutRejectedException } => true,
                    { Exception: HttpRequestException or IOException } when ConnectionFailure.Classify(args.Outcome.Exception!) is { } failure =>
                        reachability.MayRetry(failure),
                    { Exception: HttpRequestException or IOException } => true,
                    _ => false,
                }),
                DelayGenerator = args =>
                {
                    var retryAfter = RetryAfter(args.Outcome.Result, time);
                    if (retryAfter is { } delay)
                        return ValueTask.FromResult<TimeSpan?>(delay > maxRetryAfter ? maxRetryAfter : delay);
                    // Not answered yet: the same jittered exponential back-off, cut to what is left of the window.
                    if (reachability.RemainingWindow() is { } remaining)
                    {
                        var backoff = options.RetryBaseDelay * Math.Pow(2, args.AttemptNumber) * (0.75 + Random.Shared.NextDouble() * 0.5);
                        backoff = backoff > options.RetryMaxDelay ? options.RetryMaxDelay : backoff;
                        return ValueTask.FromResult<TimeSpan?>(backoff < remaining ? backoff : remaining);
                    }
                    return ValueTask.FromResult<TimeSpan?>(null);
                },
                OnRetry = args =>
                {
                    var what = args.Context.Properties.GetValue(RequestName, "request");
                    var outcome = args.Outcome.Result is { } response
                        ? $"answered {(int)response.StatusCode} {response.ReasonPhrase}"
                        : $"failed ({args.Outcome.Exception?.GetType().Name}: {args.Outcome.Exception?.Message})";
                    log.Warning("Console {Outcome} to {Request}; retry {Attempt} of {Max} in {Delay:0.0} s",
                        outcome, what, args.AttemptNumber + 1, options.MaxRetries, args.RetryDelay.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            })
            .AddRateLimiter(budget)
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout })
            .Build();
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
