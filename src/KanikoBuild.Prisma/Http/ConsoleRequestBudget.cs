using System.Threading.RateLimiting;

namespace KanikoBuild.Prisma.Http;

/// <summary>
/// A sliding-window request budget on an injected <see cref="TimeProvider"/>: at most N requests in any window.
/// Callers wait (in order) for a slot instead of being rejected, so the Console never has to answer 429.
/// System.Threading.RateLimiting's own limiters run on real timers; this one can be tested without sleeping.
/// </summary>
internal sealed class ConsoleRequestBudget(int permits, TimeSpan window, TimeProvider time) : RateLimiter
{
    readonly Queue<DateTimeOffset> _granted = new();
    readonly SemaphoreSlim _queue = new(1, 1);
    readonly object _gate = new();
    long _total;

    public long TotalGranted => Interlocked.Read(ref _total);

    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Prune(time.GetUtcNow());
            return new RateLimiterStatistics { CurrentAvailablePermits = permits - _granted.Count, TotalSuccessfulLeases = TotalGranted };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        TryTake(out _) ? Lease.Granted : Lease.Denied;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken ct)
    {
        await _queue.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            while (!TryTake(out var wait))
                await Task.Delay(wait, time, ct).ConfigureAwait(false);
            return Lease.Granted;
        }
        finally
        {
            _queue.Release();
        }
    }

    bool TryTake(out TimeSpan wait)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Prune(now);
            if (_granted.Count < permits)
            {
                _granted.Enqueue(now);
                Interlocked.Increment(ref _total);
                wait = TimeSpan.Zero;
                return true;
            }
            wait = _granted.Peek() + window - now;
            if (wait < TimeSpan.FromMilliseconds(1))
                wait = TimeSpan.FromMilliseconds(1);
            return false;
        }
    }

    void Prune(DateTimeOffset now)
    {
        while (_granted.Count > 0 && _granted.Peek() <= now - window)
            _granted.Dequeue();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _queue.Dispose();
        base.Dispose(disposing);
    }

    sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease Denied = new(false);

        public override bool IsAcquired => acquired;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
