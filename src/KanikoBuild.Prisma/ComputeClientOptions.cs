namespace KanikoBuild.Prisma;

/// <summary>How <see cref="ComputeClient"/> reaches a Console, and how patiently.</summary>
public sealed record ComputeClientOptions
{
    public required Uri ConsoleUrl { get; init; }

    /// <summary>User name, or access key ID on SaaS.</summary>
    public required string Username { get; init; }

    /// <summary>Password, or secret key on SaaS. Registered as a secret; never logged.</summary>
    public required string Password { get; init; }

    /// <summary>Tenant project on multi-tenant self-hosted Consoles (<c>?project=</c>).</summary>
    public string? Project { get; init; }

    /// <summary>Pinned API version (<c>34.04</c>); null uses <c>/api/v1</c>.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>PEM CA certificate the Console's TLS certificate must chain to.</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>SaaS tokens wrap a 10-minute platform token; PAN recommends renewing every 5 (prisma.md §2.2).</summary>
    public TimeSpan TokenRenewal { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long opening a TCP connection may take (the client's own transport only).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a Console that has not answered once is tried before the failure counts as the set-up's (wrong
    /// URL, Console down, firewall) rather than an outage: long enough for a Console that is restarting, short
    /// enough that a wrong URL fails within about a minute.
    /// </summary>
    public TimeSpan ReachabilityWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bounds one call including its retries and back-off.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public int MaxRetries { get; init; } = 6;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The documented limit is 30 requests per 30 s, one capture says per minute (prisma.md §2.9):
    /// budget for the stricter reading, across every endpoint this client calls.</summary>
    public int RateLimitRequests { get; init; } = 30;

    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() => $"ComputeClientOptions {{ ConsoleUrl = {ConsoleUrl}, Username = {Username}, Project = {Project} }}";
}
