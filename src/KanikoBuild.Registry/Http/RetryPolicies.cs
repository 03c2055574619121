using System.Net;
using Polly;
using Polly.Retry;

namespace KanikoBuild.Registry;

/// <summary>
/// Retries with exponential back-off and jitter, honouring <c>Retry-After</c>, on what a registry or the network
/// gets over by itself: 5xx, 429, 408, connection resets. Never on a digest mismatch or an authorisation error.
/// </summary>
internal static class RetryPolicies
{
    public static ResiliencePipeline<HttpResponseMessage> ForRequests(RegistryClientOptions options, Serilog.ILogger logger, string host) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 0) is 0 ? 1 : options.MaxRetries,
                ShouldHandle = args => new ValueTask<bool>(options.MaxRetries > 0 && (args.Outcome.Exception is { } e ? IsTransient(e) : RegistryException.IsTransientStatus(args.Outcome.Result!.StatusCode))),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Outcome.Result is { } r ? RetryAfter.From(r) : null),
                OnRetry = args =>
                {
                    var what = args.Outcome.Exception?.Message ?? $"{(int)args.Outcome.Result!.StatusCode} {args.Outcome.Result.ReasonPhrase}";
                    logger.Warning("Registry {Host}: {What}; retrying in {Delay:0.0} s (attempt {Attempt})", host, what, args.RetryDelay.TotalSeconds, args.AttemptNumber + 2);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();

    public static ResiliencePipeline ForTransfers(RegistryClientOptions options, Serilog.ILogger logger, string host) =>
        new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 0) is 0 ? 1 : options.MaxRetries,
                ShouldHandle = args => new ValueTask<bool>(options.MaxRetries > 0 && args.Outcome.Exception is { } e && IsTransient(e)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Outcome.Exception is RegistryException { RetryAfter: { } wait } ? wait : null),
                OnRetry = args =>
                {
                    logger.Warning("Registry {Host}: blob transfer failed ({What}); retrying in {Delay:0.0} s (attempt {Attempt})", host, args.Outcome.Exception?.Message, args.RetryDelay.TotalSeconds, args.AttemptNumber + 2);
                    return default;
                },
            })
            .Build();

    internal static bool IsTransient(Exception exception) => exception switch
    {
        BlobDigestMismatchException => false,
        RegistryException registry => registry.IsTransient,
        PipelineException => false,
        OperationCanceledException => false,
        HttpRequestException http when Contains<BlobDigestMismatchException>(http) => false,
        HttpRequestException { StatusCode: { } status } => RegistryException.IsTransientStatus(status) || status == HttpStatusCode.Unauthorized,
        HttpRequestException => true,
        IOException => true,
        _ => false,
    };

    internal static T? Find<T>(Exception exception) where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
                return match;
        }
        return null;
    }

    static bool Contains<T>(Exception exception) where T : Exception => Find<T>(exception) is not null;
}
