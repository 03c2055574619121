namespace KanikoBuild.ConsoleSimulator;

/// <summary>
/// The Compute roles the simulator knows and what they may do (prisma.md §1.6): a CI User may authenticate,
/// download twistcli and publish CI scans, but cannot read Monitor data (registry or CI results).
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Auditor = "auditor";
    public const string DevSecOps = "devSecOps";
    public const string DevOps = "devOps";
    public const string Ci = "ci";

    public const string MonitorImages = "monitorImages";
    public const string MonitorCi = "monitorCI";
    public const string ScanRegistries = "scanRegistries";
    public const string Downloads = "downloads";
    public const string CiScan = "ciScan";

    public static bool Allows(string role, string permission) => role switch
    {
        Admin => true,
        Auditor => permission is MonitorImages or MonitorCi or Downloads,
        DevSecOps => permission is MonitorImages or MonitorCi or Downloads or CiScan or ScanRegistries,
        DevOps => permission is MonitorCi or Downloads or CiScan,
        Ci => permission is Downloads or CiScan,
        _ => false,
    };
}
