namespace KanikoBuild.Scanning;

/// <summary>Where a scan result was read from; the two shapes differ (see prisma.md §1.5 and §2.3).</summary>
public enum ScanSource
{
    /// <summary>twistcli's <c>--output-file</c> JSON (alternative A).</summary>
    TwistcliFile,

    /// <summary>One entry of <c>GET /api/v1/registry</c> (alternative B).</summary>
    RegistryApi,
}
