namespace KanikoBuild.Http;

/// <summary>
/// Exponential back-off with jitter: <c>base × 2^attempt</c>, spread ±25 % so that clients failing together do not
/// retry together, capped. Pure, so tests give the random sample and get the exact delay.
/// </summary>
public static class Backoff
{
    /// <param name="attempt">0 for the delay before the first retry.</param>
    /// <param name="sample">A uniform sample in [0, 1): 0 is 25 % under the exponential value, 1 is 25 % over.</param>
    public static TimeSpan Exponential(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double sample)
    {
        // 2^attempt overflows long before any attempt count a client uses; clamp the exponent, then the result.
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 30));
        var jittered = exponential * (0.75 + (0.5 * Math.Clamp(sample, 0, 1)));
        return jittered >= maxDelay.TotalMilliseconds ? maxDelay : TimeSpan.FromMilliseconds(jittered);
    }
}
