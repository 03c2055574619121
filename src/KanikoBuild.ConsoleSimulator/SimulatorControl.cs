using System.Text.Json.Nodes;

namespace KanikoBuild.ConsoleSimulator;

/// <summary>What a test does to a running simulator: seed results, inject faults, read what was asked of it.</summary>
public sealed class SimulatorControl
{
    readonly SimulatorState _state;

    internal SimulatorControl(SimulatorState state) => _state = state;

    public SimulatorOptions Options => _state.Options;

    public void SeedResult(JsonObject result) => _state.UpsertRegistryResult(result);

    public void ClearResults() => _state.ClearRegistryResults();

    public IReadOnlyList<JsonObject> Results => _state.RegistryResults();

    public IReadOnlyList<JsonObject> CiScans => _state.CiScans();

    public void AddFault(FaultRule rule) => _state.AddFault(rule);

    /// <summary>The next <paramref name="count"/> matching requests answer <paramref name="status"/> (a 502/503 burst).</summary>
    public void FailNext(int count, int status = 503, string? path = null, int? retryAfterSeconds = null) =>
        AddFault(new FaultRule { Kind = FaultKind.Status, Count = count, Status = status, Path = path, RetryAfterSeconds = retryAfterSeconds });

    public void SlowNext(int count, TimeSpan delay, string? path = null) =>
        AddFault(new FaultRule { Kind = FaultKind.Slow, Count = count, Delay = delay, Path = path });

    public void CorruptNext(int count, FaultKind kind, string? path = null) =>
        AddFault(new FaultRule { Kind = kind, Count = count, Path = path });

    public void ExpireTokens() => _state.ExpireTokens();

    /// <summary>On-demand scans still running (not yet stored).</summary>
    public int RunningScans => _state.Jobs().Count(j => j.Error is null);

    /// <summary>Scans reading the registry right now: real work a fake clock must not race past.</summary>
    public int PullsInProgress => _state.Jobs().Count(j => j.Pulling);

    public IReadOnlyList<RequestRecord> Requests => _state.Requests;

    /// <summary>Requests to a normalised API path (e.g. <c>/api/v1/registry</c>), any version or prefix.</summary>
    public int CountRequests(string method, string path) =>
        _state.Requests.Count(r => r.Method == method && r.Path == path);

    public void ClearRequests() => _state.ClearRequests();
}
