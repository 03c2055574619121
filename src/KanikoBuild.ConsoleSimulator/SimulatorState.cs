using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace KanikoBuild.ConsoleSimulator;

public sealed record RequestRecord(string Method, string Path, int Status, DateTimeOffset At);

internal sealed record TokenGrant(string Username, string Role, DateTimeOffset ExpiresAt);

internal sealed class ScanJob
{
    public required int ScanId { get; init; }
    public required string Registry { get; init; }
    public required string Repo { get; init; }
    public string? Tag { get; init; }
    public string? Digest { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public bool OnDemand { get; init; }
    public string? Error { get; set; }
    /// <summary>Past its scan duration and reading the registry (real I/O, not on the scenario's clock).</summary>
    public volatile bool Pulling;
}

/// <summary>Everything the simulated Console remembers. One lock: the simulator is small and tests are slow enough.</summary>
internal sealed class SimulatorState
{
    readonly object _gate = new();
    readonly Dictionary<string, TokenGrant> _tokens = new(StringComparer.Ordinal);
    readonly List<JsonObject> _registryResults = [];
    readonly List<JsonObject> _ciScans = [];
    readonly List<ScanJob> _jobs = [];
    readonly Queue<DateTimeOffset> _rateWindow = new();
    readonly ConcurrentQueue<RequestRecord> _requests = new();
    int _nextScanId = 1;

    public SimulatorState(SimulatorOptions options)
    {
        Options = options;
        foreach (var seed in options.SeedResults)
            UpsertRegistryResult(seed);
    }

    public SimulatorOptions Options { get; }

    public DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    public string IssueToken(SimulatorUser user)
    {
        var token = "sim." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        lock (_gate)
            _tokens[token] = new TokenGrant(user.Username, user.Role, Now + Options.TokenLifetime);
        return token;
    }

    public TokenGrant? FindToken(string token)
    {
        lock (_gate)
            return _tokens.GetValueOrDefault(token);
    }

    /// <summary>Expires every token at once (as a Console restart or a lifetime change would).</summary>
    public void ExpireTokens()
    {
        lock (_gate)
        {
            foreach (var key in _tokens.Keys.ToList())
                _tokens[key] = _tokens[key] with { ExpiresAt = Now.AddSeconds(-1) };
        }
    }

    public int NextScanId()
    {
        lock (_gate)
            return _nextScanId++;
    }

    /// <summary>A new scan of a tag replaces the tag's previous entry: that is why a tag query can show an older image.</summary>
    public void UpsertRegistryResult(JsonObject result)
    {
        var key = RegistryKey(result);
        lock (_gate)
        {
            if (key is not null)
                _registryResults.RemoveAll(existing => RegistryKey(existing) == key);
            _registryResults.Add(result);
        }
    }

    public List<JsonObject> RegistryResults()
    {
        lock (_gate)
            return _registryResults.Select(r => (JsonObject)r.DeepClone()).ToList();
    }

    public void ClearRegistryResults()
    {
        lock (_gate)
            _registryResults.Clear();
    }

    public void AddCiScan(JsonObject scan)
    {
        lock (_gate)
            _ciScans.Add(scan);
    }

    public List<JsonObject> CiScans()
    {
        lock (_gate)
            return _ciScans.Select(r => (JsonObject)r.DeepClone()).ToList();
    }

    public void AddJob(ScanJob job)
    {
        lock (_gate)
            _jobs.Add(job);
    }

    public void RemoveJob(ScanJob job)
    {
        lock (_gate)
            _jobs.Remove(job);
    }

    public List<ScanJob> Jobs()
    {
        lock (_gate)
            return _jobs.ToList();
    }

    /// <summary>Sliding-window count of rate-limited requests; true when this request is within the limit.</summary>
    public bool TryTakeRateSlot(out TimeSpan retryAfter)
    {
        var limit = Options.RateLimit;
        var now = Now;
        lock (_gate)
        {
            while (_rateWindow.Count > 0 && _rateWindow.Peek() <= now - limit.Window)
                _rateWindow.Dequeue();
            if (_rateWindow.Count < limit.Requests)
            {
                _rateWindow.Enqueue(now);
                retryAfter = TimeSpan.Zero;
                return true;
            }
            retryAfter = _rateWindow.Peek() + limit.Window - now;
            return false;
        }
    }

    /// <summary>The first fault rule that matches, with its count taken down by one.</summary>
    public FaultRule? TakeFault(string method, string path, Func<FaultRule, bool> kindFilter)
    {
        lock (_gate)
        {
            foreach (var rule in Options.Faults)
            {
                if (rule.Count <= 0 || !kindFilter(rule))
                    continue;
                if (rule.Path is not null && !path.Contains(rule.Path, StringComparison.OrdinalIgnoreCase))
                    continue;
                if (rule.Method is not null && !string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase))
                    continue;
                rule.Count--;
                return rule;
            }
            return null;
        }
    }

    public void AddFault(FaultRule rule)
    {
        lock (_gate)
            Options.Faults.Add(rule);
    }

    public void Record(RequestRecord record) => _requests.Enqueue(record);

    public IReadOnlyList<RequestRecord> Requests => _requests.ToArray();

    public void ClearRequests() => _requests.Clear();

    static string? RegistryKey(JsonObject result)
    {
        if (result["repoTag"] is not JsonObject tag)
            return null;
        return $"{tag["registry"]}|{tag["repo"]}|{tag["tag"]}";
    }
}
