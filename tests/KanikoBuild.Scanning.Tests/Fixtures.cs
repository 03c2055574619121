using System.Text.Json;

namespace KanikoBuild.Scanning.Tests;

static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string Read(string name) => File.ReadAllText(PathOf(name));

    public static ScanResult Twistcli(string name) => ScanResultReader.FromTwistcliOutput(Read(name), name);

    /// <summary>The first element of a registry response fixture (a JSON array, as the API returns it).</summary>
    public static ScanResult FromRegistry(string name, int index = 0)
    {
        using var document = JsonDocument.Parse(Read(name));
        return ScanResultReader.FromRegistryEntry(document.RootElement[index]);
    }

    public static Vulnerability Finding(string id, Severity severity, string package = "pkg", string version = "1.0", string? status = null, string? path = null)
    {
        var (hasFix, versions) = FixStatusParse(status);
        return new Vulnerability
        {
            Id = id,
            RawSeverity = severity.Name(),
            Severity = severity,
            PackageName = package,
            PackageVersion = version,
            PackagePath = path,
            Status = status,
            HasFix = hasFix,
            FixedVersions = versions,
        };
    }

    public static ScanResult Result(params Vulnerability[] findings) => new()
    {
        Source = ScanSource.TwistcliFile,
        ImageName = "registry.example.com/team/app:1.0",
        Digest = "sha256:" + new string('a', 64),
        Distro = "debian",
        DistroRelease = "12",
        Vulnerabilities = findings,
    };

    static (bool, IReadOnlyList<string>) FixStatusParse(string? status)
    {
        // Reads through the real parser so test findings behave like read ones.
        if (status is null)
            return (false, []);
        var json = $$"""{"results":[{"vulnerabilities":[{"id":"X","status":{{JsonSerializer.Serialize(status)}}}]}]}""";
        var v = ScanResultReader.FromTwistcliOutput(json).Vulnerabilities[0];
        return (v.HasFix, v.FixedVersions);
    }
}
