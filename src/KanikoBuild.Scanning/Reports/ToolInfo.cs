using System.Reflection;

namespace KanikoBuild.Scanning;

/// <summary>How the reports name the tool that produced them.</summary>
static class ToolInfo
{
    public const string Name = "KanikoBuild (Prisma Cloud twistcli)";
    public const string InformationUri = "https://docs.prismacloud.io/en/enterprise-edition/content-collections/runtime-security/tools/twistcli-scan-images";

    public static string Version { get; } = ReadVersion();

    static string ReadVersion()
    {
        var assembly = typeof(ToolInfo).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Drop the "+commit" build metadata so the version stays a plain, comparable string.
        var version = informational?.Split('+')[0];
        return string.IsNullOrWhiteSpace(version) ? assembly.GetName().Version?.ToString(3) ?? "0.0.0" : version;
    }
}
