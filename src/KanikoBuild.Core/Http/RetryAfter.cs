using System.Net.Http.Headers;

namespace KanikoBuild.Http;

/// <summary>
/// The one reader of <c>Retry-After</c> (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, the date measured
/// against the injected clock (never the machine's, so tests in fake time wait in fake time), never negative and
/// never longer than the caller's cap (a server asking for an hour must not hold a build for an hour).
/// </summary>
public static class RetryAfter
{
    public static TimeSpan? Read(HttpResponseMessage? response, TimeProvider time, TimeSpan cap) =>
        Read(response?.Headers.RetryAfter, time.GetUtcNow(), cap);

    public static TimeSpan? Read(RetryConditionHeaderValue? header, DateTimeOffset now, TimeSpan cap)
    {
        TimeSpan? wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => null,
        };
        if (wait is not { } value)
            return null;
        return value < TimeSpan.Zero ? TimeSpan.Zero : value > cap ? cap : value;
    }
}
