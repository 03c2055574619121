namespace KanikoBuild.Prisma.Http;

/// <summary>
/// A sliding-window request budget on an injected <see cref="TimeProvider"/>: at most N requests in any window.
/// Callers wait (in order) for a slot instead of being rejected, so the Console never has to answer 429.
/// System.Threading.RateLimiting's own limiters run on real timers; this one can be tested without sleeping.
/// </summary>
internal sealed class ConsoleRequestBudget(int permits, TimeSpan window, TimeProvider time) : IDisposable
{
    readonly Queue<DateTimeOffset> _granted = new();
    readonly SemaphoreSlim _queue = new(1, 1);
    readonly object _gate = new();
    long _total;

    public long TotalGranted => Interlocked.Read(ref _total);

    /// <summary>Returns once a request may go out; counts it.</summary>
    public async ValueTask WaitAsync(CancellationToken ct)
    {
        await _queue.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            while (!TryTake(out var wait))
                await Task.Delay(wait, time, ct).ConfigureAwait(false);
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
            while (_granted.Count > 0 && _granted.Peek() <= now - window)
                _granted.Dequeue();
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

    public void Dispose() => _queue.Dispose();
}

/// <summary>Each attempt (retries and logins included) waits for the budget: inside the retries, outside the attempt timeout.</summary>
internal sealed class RequestBudgetHandler(ConsoleRequestBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        await budget.WaitAsync(ct).ConfigureAwait(false);
        return await base.SendAsync(request, ct).ConfigureAwait(false);
    }
}
