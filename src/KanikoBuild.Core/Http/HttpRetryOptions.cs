using Polly;

namespace KanikoBuild.Http;

/// <summary>How patiently one HTTP peer is retried. Each client fills it from its own options and protocol.</summary>
public sealed record HttpRetryOptions
{
    /// <summary>Attempts after the first; 0 sends each request once.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first back-off delay; doubled on each retry, with jitter (<see cref="Backoff"/>).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Bounds one call including every retry and back-off; null leaves that to the caller's token.</summary>
    public TimeSpan? CallTimeout { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The protocol's own word on an outcome, asked before <see cref="Transient"/>: true or false decides, null leaves
    /// it to the one definition. E.g. the Console retries a 2xx with a cut body, and stops trying a Console it has
    /// never reached once its reachability window is over.
    /// </summary>
    public Func<Outcome<HttpResponseMessage>, bool?>? Classify { get; init; }

    /// <summary>Shortens a delay the retry has chosen (e.g. to what is left of a reachability window).</summary>
    public Func<TimeSpan, TimeSpan>? LimitDelay { get; init; }

    /// <summary>Told before each back-off, to log it in the protocol's own words.</summary>
    public Action<RetryNotice>? OnRetry { get; init; }

    /// <summary>Draws the jitter sample; tests pin it.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;
}

/// <summary>One retry about to wait: which request, why, and for how long.</summary>
/// <param name="Attempt">1 for the first retry.</param>
public sealed record RetryNotice(string Request, int Attempt, int MaxRetries, TimeSpan Delay, HttpResponseMessage? Response, Exception? Exception)
{
    /// <summary>"answered 503 Service Unavailable" or "failed (HttpRequestException: Connection refused)".</summary>
    public string Outcome => Response is { } response
        ? $"answered {(int)response.StatusCode} {response.ReasonPhrase}"
        : $"failed ({Exception?.GetType().Name}: {Exception?.Message})";
}
