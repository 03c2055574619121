namespace KanikoBuild.Prisma;

/// <summary>How AwaitScan waits for the Console's registry scan.</summary>
[ParameterGroup("The wait for the Console's scan")]
public sealed record ScanWaitOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    [Parameter("Whether AwaitScan triggers an on-demand registry scan (false when a registry webhook does it). Default: true.")]
    public bool TriggerScan { get; init; } = true;

    [Parameter("How long AwaitScan waits for the Console's result (a TimeSpan such as 00:10:00, seconds, or 10m). Default: 10 minutes.")]
    public TimeSpan ScanTimeout { get; init; } = DefaultTimeout;
}
