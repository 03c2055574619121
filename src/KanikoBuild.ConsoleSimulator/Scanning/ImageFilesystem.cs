namespace KanikoBuild.ConsoleSimulator.Scanning;

public sealed record InstalledPackage(string Name, string Version, string Path);

/// <summary>What a scanner reads from an image (CONTRACTS.md §1): apk's database and os-release.</summary>
public sealed record ImageContents(string Distro, string DistroRelease, string? PrettyName, IReadOnlyList<InstalledPackage> Packages)
{
    public const string ApkDatabase = "lib/apk/db/installed";
    public const string OsRelease = "etc/os-release";

    public static ImageContents From(string? apkDatabase, string? osRelease)
    {
        var release = ParseOsRelease(osRelease);
        return new ImageContents(
            release.GetValueOrDefault("ID") ?? "unknown",
            release.GetValueOrDefault("VERSION_ID") ?? "unknown",
            release.GetValueOrDefault("PRETTY_NAME"),
            ParseApkDatabase(apkDatabase));
    }

    /// <summary>Records separated by a blank line; <c>P:</c> name, <c>V:</c> version, other letters ignored.</summary>
    public static IReadOnlyList<InstalledPackage> ParseApkDatabase(string? text)
    {
        var packages = new List<InstalledPackage>();
        if (string.IsNullOrEmpty(text))
            return packages;
        string? name = null, version = null;
        foreach (var line in text.Split('\n').Append(string.Empty))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length == 0)
            {
                if (name is not null && version is not null)
                    packages.Add(new InstalledPackage(name, version, "/" + ApkDatabase));
                name = version = null;
            }
            else if (trimmed.StartsWith("P:", StringComparison.Ordinal))
                name = trimmed[2..].Trim();
            else if (trimmed.StartsWith("V:", StringComparison.Ordinal))
                version = trimmed[2..].Trim();
        }
        return packages;
    }

    static Dictionary<string, string> ParseOsRelease(string? text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
            return values;
        foreach (var line in text.Split('\n'))
        {
            var separator = line.IndexOf('=');
            if (separator <= 0)
                continue;
            values[line[..separator].Trim()] = line[(separator + 1)..].Trim().Trim('"', '\'');
        }
        return values;
    }
}
