using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace KanikoBuild.Http;

/// <summary>
/// The Polly v8 pipelines both clients use. Polly.Core rather than Microsoft.Extensions.Http.Resilience: the clients
/// are built directly, not through IHttpClientFactory and dependency injection, and what they need beyond a retry
/// (the Console's request budget on an injected clock, its reachability window, a 2xx with a cut body counted as a
/// failure) is ours either way; the standard handler would add the DI, options and telemetry stack around the same
/// Polly.Core strategies without taking any of that work off us.
/// </summary>
public static class HttpResilience
{
    /// <summary>Names the request in <see cref="RetryNotice.Request"/> ("GET /v2/"), set by <see cref="ResilienceHandler"/>.</summary>
    public static readonly ResiliencePropertyKey<string> RequestName = new("kanikobuild.request");

    /// <summary>Outermost first: the call timeout (if any), then retries with back-off, honouring <c>Retry-After</c>.</summary>
    public static ResiliencePipeline<HttpResponseMessage> ForRequests(HttpRetryOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (options.CallTimeout is { } callTimeout)
            builder.AddTimeout(new TimeoutStrategyOptions { Timeout = callTimeout });
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(options.Classify?.Invoke(args.Outcome) ?? Transient.Outcome(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(options, args.AttemptNumber, args.Outcome.Result, args.Outcome.Exception)),
                OnRetry = args =>
                {
                    options.OnRetry?.Invoke(new RetryNotice(args.Context.Properties.GetValue(RequestName, "request"),
                        args.AttemptNumber + 1, options.MaxRetries, args.RetryDelay, args.Outcome.Result, args.Outcome.Exception));
                    // The failed answer is done with; its connection goes back to the pool.
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        return builder.Build();
    }

    /// <summary>
    /// The same retries for an operation of several requests that must restart as a whole (a blob transfer after a
    /// cut connection), judged by the exception it ends with.
    /// </summary>
    public static ResiliencePipeline ForOperations(HttpRetryOptions options)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e
                    && (options.Classify?.Invoke(Outcome.FromException<HttpResponseMessage>(e)) ?? Transient.Exception(e))),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(options, args.AttemptNumber, null, args.Outcome.Exception)),
                OnRetry = args =>
                {
                    options.OnRetry?.Invoke(new RetryNotice(args.Context.Properties.GetValue(RequestName, "operation"),
                        args.AttemptNumber + 1, options.MaxRetries, args.RetryDelay, null, args.Outcome.Exception));
                    return ValueTask.CompletedTask;
                },
            });
        }
        return builder.Build();
    }

    /// <summary>One attempt's time limit, for a handler placed inside the retries (and inside a request budget).</summary>
    public static ResiliencePipeline<HttpResponseMessage> ForAttempts(TimeSpan attemptTimeout, TimeProvider time) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = attemptTimeout })
            .Build();

    /// <summary>What the server asked for, else the jittered exponential back-off; then the protocol's limit.</summary>
    internal static TimeSpan Delay(HttpRetryOptions options, int attempt, HttpResponseMessage? response, Exception? exception)
    {
        var asked = RetryAfter.Read(response, options.TimeProvider, options.MaxRetryAfter) ?? AskedBy(exception);
        var delay = asked is { } wait
            ? (wait > options.MaxRetryAfter ? options.MaxRetryAfter : wait)
            : Backoff.Exponential(attempt, options.BaseDelay, options.MaxDelay, options.Jitter());
        return options.LimitDelay?.Invoke(delay) ?? delay;
    }

    static TimeSpan? AskedBy(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is IHttpFailure { RetryAfter: { } wait })
                return wait;
        }
        return null;
    }
}
