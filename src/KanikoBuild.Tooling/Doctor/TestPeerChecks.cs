namespace KanikoBuild.Tooling.Doctor;

/// <summary>
/// The tools the tests and the Sandbox use, from <c>.ci/packages</c> (the one list of Debian packages): each
/// package's tool is looked for, and what is missing comes with the command that installs it. A warning, not a
/// failure: no pipeline target needs them.
/// </summary>
internal static class TestPeerChecks
{
    /// <summary>How to tell each package is installed: the tool the tests call, or the file they read.</summary>
    static readonly Dictionary<string, (string Tool, Func<bool> Present)> s_probes = new(StringComparer.Ordinal)
    {
        ["docker.io"] = ("docker", () => File.Exists("/usr/bin/docker") || OnPath("docker")),
        ["docker-registry"] = ("docker-registry", () => OnPath("docker-registry")),
        ["skopeo"] = ("skopeo", () => OnPath("skopeo")),
        ["busybox-static"] = ("a static /bin/busybox", () => StaticElf.Is("/bin/busybox")),
        ["golang-go"] = ("go", () => OnPath("go")),
        ["apache2-utils"] = ("htpasswd", () => OnPath("htpasswd")),
        ["openssl"] = ("openssl", () => OnPath("openssl")),
        ["util-linux"] = ("setpriv", () => OnPath("setpriv")),
        ["ca-certificates"] = ("the CA bundle", () => File.Exists("/etc/ssl/certs/ca-certificates.crt")),
    };

    public static DoctorCheck Run(string rootDirectory)
    {
        var list = Path.Combine(rootDirectory, ".ci", "packages");
        if (!File.Exists(list))
            return new DoctorCheck("test peers", DoctorStatus.NotConfigured, $"{list} not found: not a KanikoBuild checkout");
        var packages = File.ReadAllLines(list)
            .Select(l => l.Split('#', 2)[0].Trim())
            .Where(l => l.Length > 0)
            .ToList();
        var missing = new List<(string Package, string Tool)>();
        var present = new List<string>();
        foreach (var package in packages)
        {
            var (tool, isPresent) = s_probes.TryGetValue(package, out var probe) ? probe : (package, () => OnPath(package));
            if (isPresent())
                present.Add(tool);
            else
                missing.Add((package, tool));
        }
        if (missing.Count == 0)
            return new DoctorCheck("test peers", DoctorStatus.Ok, $"all of .ci/packages: {string.Join(", ", present)}");
        return new DoctorCheck("test peers", DoctorStatus.Warning,
            $"missing {string.Join(", ", missing.Select(m => m.Tool == m.Package ? m.Tool : $"{m.Tool} ({m.Package})"))}: the tests need them. " +
            $"Install with: sudo .ci/setup, or apt-get install {string.Join(' ', missing.Select(m => m.Package))}");
    }

    static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, name)));
}

/// <summary>Whether an ELF binary is statically linked (no program interpreter), as the stand-in images need busybox.</summary>
internal static class StaticElf
{
    const uint ProgramInterpreter = 3;

    public static bool Is(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadUInt32() != 0x464C457F)
                return false;
            var is64 = reader.ReadByte() == 2;
            reader.BaseStream.Position = is64 ? 0x20 : 0x1C;
            var headers = is64 ? (long)reader.ReadUInt64() : reader.ReadUInt32();
            reader.BaseStream.Position = is64 ? 0x36 : 0x2A;
            var size = reader.ReadUInt16();
            var count = reader.ReadUInt16();
            for (var i = 0; i < count; i++)
            {
                reader.BaseStream.Position = headers + (long)i * size;
                if (reader.ReadUInt32() == ProgramInterpreter)
                    return false;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException)
        {
            return false;
        }
    }
}
