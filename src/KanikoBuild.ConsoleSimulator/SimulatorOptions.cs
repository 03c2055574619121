using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace KanikoBuild.ConsoleSimulator;

/// <summary>
/// One scenario of the simulated Console. Serialisable, so the same settings come from a scenario JSON file
/// (<c>--scenario</c>) when the simulator runs as a program. Tests may change the properties while it runs.
/// </summary>
public sealed class SimulatorOptions
{
    /// <summary>127.0.0.1 only: the simulator is a test peer, never a service.</summary>
    public int Port { get; set; }

    /// <summary>SaaS "Path to Console" prefix, e.g. <c>/us-3-123456789</c>; requests without it get 404.</summary>
    public string PathPrefix { get; set; } = string.Empty;

    public string ConsoleVersion { get; set; } = "34.04.145";

    public List<SimulatorUser> Users { get; set; } = [];

    /// <summary>Self-hosted default (prisma.md §2.2).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long an on-demand registry scan takes before its result is stored.</summary>
    public TimeSpan ScanDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Registries the registry-scanning scope covers (host[:port]); empty = any.</summary>
    public List<string> ScopedRegistries { get; set; } = [];

    public RateLimitOptions RateLimit { get; set; } = new();

    public FieldVariants Fields { get; set; } = new();

    /// <summary>Vulnerability feed (CONTRACTS.md §1); default: <c>feed.json</c> beside the simulator.</summary>
    public string? FeedPath { get; set; }

    /// <summary>Files served by <c>/api/v1/util/…twistcli</c>, by variant: <c>linux</c>, <c>linux-arm64</c>,
    /// <c>osx</c>, <c>osx-arm64</c>, <c>windows</c>; <c>*</c> serves every variant.</summary>
    public Dictionary<string, string> TwistcliFiles { get; set; } = [];

    /// <summary>CI policy block threshold for twistcli scans: critical, high, medium, low or off.</summary>
    public string CiBlockThreshold { get; set; } = "high";

    /// <summary>Registry results present from the start (shaped like <c>shared.ImageScanResult</c>).</summary>
    public List<JsonObject> SeedResults { get; set; } = [];

    /// <summary>Faults applied to the next matching requests.</summary>
    public List<FaultRule> Faults { get; set; } = [];

    /// <summary>The <c>/simulator/…</c> control endpoints (on when run as a program).</summary>
    public bool ControlEndpoints { get; set; }

    [JsonIgnore]
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where log lines go (each is already labelled); default: standard output.</summary>
    [JsonIgnore]
    public Action<string>? Log { get; set; }
}

/// <summary>Roles: admin, auditor, devSecOps, devOps, ci (see <see cref="Roles"/>).</summary>
public sealed record SimulatorUser(string Username, string Password, string Role);

public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;
    public int Requests { get; set; } = 30;
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Compute documents no Retry-After (prisma.md §2.9); scenarios test both.</summary>
    public bool SendRetryAfter { get; set; }

    /// <summary>Only the endpoints whose docs state the limit (GET /registry, GET /scans), or every API call.</summary>
    public bool AllEndpoints { get; set; }
}

/// <summary>Field spellings that differ between Console versions and twistcli builds (prisma.md §1.5, §2.3).</summary>
public sealed class FieldVariants
{
    /// <summary><c>vulnerabilitiesScanPassed</c> (docs) instead of <c>vulnerabilityScanPassed</c> (seen in real files).</summary>
    public bool PluralScanPassed { get; set; }

    /// <summary>twistcli output: <c>fixDate</c> instead of <c>fixedDate</c>; API: <c>fixedDate</c> instead of <c>fixDate</c>.</summary>
    public bool SwapFixDateName { get; set; }

    /// <summary>riskFactors as an array of strings instead of an object map (API), or the reverse (twistcli).</summary>
    public bool SwapRiskFactorsShape { get; set; }

    /// <summary>API vulnerabilities with the CVE in <c>id</c> and no <c>cve</c> field (instead of an integer id).</summary>
    public bool CveInId { get; set; }

    /// <summary>null instead of [] for empty arrays.</summary>
    public bool NullArrays { get; set; }

    /// <summary>Counts and times written as strings ("3", "1700000000").</summary>
    public bool NumbersAsStrings { get; set; }
}

public enum FaultKind
{
    /// <summary>Answer with <see cref="FaultRule.Status"/> (a transient 502/503 burst).</summary>
    Status,
    /// <summary>Wait <see cref="FaultRule.Delay"/> (on the simulator's clock) before answering normally.</summary>
    Slow,
    /// <summary>Cut the JSON body in half.</summary>
    Truncated,
    /// <summary>Answer 200 with a body that is not JSON (a proxy's HTML page).</summary>
    Malformed,
}

public sealed class FaultRule
{
    public FaultKind Kind { get; set; }
    /// <summary>Applies to requests whose normalised path (/api/v1/…) contains this; null = every API request.</summary>
    public string? Path { get; set; }
    public string? Method { get; set; }
    public int Count { get; set; } = 1;
    public int Status { get; set; } = 503;
    public TimeSpan Delay { get; set; }
    public int? RetryAfterSeconds { get; set; }
}
