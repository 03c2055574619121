namespace KanikoBuild.Prisma.Http;

/// <summary>
/// Whether this client has had any HTTP answer from the Console. Before the first answer, a failure to connect
/// is most likely the set-up (a wrong URL, a Console that is down, a firewall): it is retried only for a short
/// <see cref="ComputeClientOptions.ReachabilityWindow"/>, so a Console restarting at the job's start still gets
/// its chance and a wrong URL fails within about a minute. After an answer, the same failure is an outage, and
/// retried as any transient failure.
/// </summary>
internal sealed class ConsoleReachability(TimeProvider time, TimeSpan window)
{
    readonly object _gate = new();
    bool _answered;
    DateTimeOffset? _firstFailure;
    int _failedAttempts;

    public bool HasAnswered
    {
        get { lock (_gate) return _answered; }
    }

    public void Answered()
    {
        lock (_gate)
            _answered = true;
    }

    /// <summary>Records a failed attempt; true when trying again may still help.</summary>
    public bool MayRetry(ConnectionFailure failure)
    {
        lock (_gate)
        {
            // Once answered, only TLS stays fatal: a certificate does not fix itself, a DNS blip does.
            if (_answered)
                return failure.Problem != ConsoleProblem.Tls;
            var now = time.GetUtcNow();
            _firstFailure ??= now;
            _failedAttempts++;
            return !failure.Permanent && now - _firstFailure.Value < window;
        }
    }

    /// <summary>
    /// Before the first answer, how long until the window closes (null after an answer, or before the first
    /// failure): the back-off is cut to it, so the last try falls inside the window rather than 30 s after it.
    /// </summary>
    public TimeSpan? RemainingWindow()
    {
        lock (_gate)
        {
            if (_answered || _firstFailure is not { } first)
                return null;
            var left = first + window - time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>"3 attempts over 31 s": how long the Console has been tried without an answer.</summary>
    public string Attempts()
    {
        lock (_gate)
        {
            var over = _firstFailure is { } first ? (time.GetUtcNow() - first).TotalSeconds : 0;
            return _failedAttempts <= 1
                ? "1 attempt"
                : $"{_failedAttempts} attempts over {over.ToString("0", System.Globalization.CultureInfo.InvariantCulture)} s";
        }
    }
}
