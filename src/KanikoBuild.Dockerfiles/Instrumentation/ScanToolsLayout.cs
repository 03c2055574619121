namespace KanikoBuild.Dockerfiles;

/// <summary>
/// The layout of the scan tools folder (CONTRACTS.md §3), relative to <see cref="ScanStageOptions.ToolsDirectory"/>.
/// The pipeline fills it on the host; the scan stage reads it inside the build.
/// </summary>
public static class ScanToolsLayout
{
    public const string DefaultDirectory = "/kaniko/kanikobuild";
    public const string DefaultShell = "/busybox/sh";

    public const string Twistcli = "twistcli";
    public const string TokenFile = "secrets/console-token";
    public const string CaCertificate = "ca.pem";
    public const string OutputDirectory = "out";

    /// <summary>Where twistcli's <c>--output-file</c> goes for a report id, relative to the tools folder.</summary>
    public static string ResultFile(string reportId) => $"{OutputDirectory}/{reportId}.json";
}
