using System.Security.Cryptography;

namespace KanikoBuild.Dockerfiles;

/// <summary>Fresh twistcli report ids: readable (time first) and unique (random suffix), so no two builds share a scan step text.</summary>
public static class ReportIds
{
    public static string New(TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        return $"kanikobuild-{now:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
    }
}
