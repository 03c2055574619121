using System.Globalization;

namespace KanikoBuild.Prisma.Twistcli;

/// <summary>
/// Whether twistcli <c>--tarball</c> can run as a child of this process: Linux, and a child that would hold both
/// <c>CAP_SYS_CHROOT</c> and <c>CAP_MKNOD</c> (prisma.md §1.3: "root, or CAP_SYS_CHROOT and CAP_MKNOD"). Read from
/// <c>/proc/self/status</c>: a root process passes its bounding (and inheritable) set to what it runs; any other
/// process only its ambient set. A capability in this process's effective set alone is not enough, since it is not
/// inherited across exec.
/// </summary>
public sealed record HostPrivileges
{
    const int CapSysChroot = 18;
    const int CapMknod = 27;

    HostPrivileges(string operatingSystem, bool isLinux, int? effectiveUid, ulong childCapabilities)
    {
        OperatingSystem = operatingSystem;
        IsLinux = isLinux;
        EffectiveUid = effectiveUid;
        ChildCapabilities = childCapabilities;
    }

    public string OperatingSystem { get; }

    public bool IsLinux { get; }

    public int? EffectiveUid { get; }

    /// <summary>The capabilities a program this process starts would have (the bit mask of /proc's Cap* lines).</summary>
    public ulong ChildCapabilities { get; }

    public bool CanScanTarballs => IsLinux && MissingCapabilities.Count == 0;

    public IReadOnlyList<string> MissingCapabilities =>
        new[] { (CapSysChroot, "CAP_SYS_CHROOT"), (CapMknod, "CAP_MKNOD") }
            .Where(c => (ChildCapabilities & (1UL << c.Item1)) == 0)
            .Select(c => c.Item2)
            .ToList();

    /// <summary>Why the host cannot run twistcli --tarball, in a user's words; null when it can.</summary>
    public string? Shortcoming => !IsLinux
        ? $"this host runs {OperatingSystem}, and twistcli --tarball is Linux only"
        : MissingCapabilities.Count == 0
            ? null
            : EffectiveUid == 0
                ? $"the build runs as root but without {string.Join(" and ", MissingCapabilities)} in its bounding set"
                : $"the build runs as uid {EffectiveUid?.ToString(CultureInfo.InvariantCulture) ?? "?"}, not root, and does not pass {string.Join(" and ", MissingCapabilities)} to what it runs (ambient capabilities)";

    /// <summary>This process's privileges, read from the kernel.</summary>
    public static HostPrivileges Current()
    {
        if (!System.OperatingSystem.IsLinux())
            return NotLinux(System.OperatingSystem.IsMacOS() ? "macOS" : System.OperatingSystem.IsWindows() ? "Windows" : System.Runtime.InteropServices.RuntimeInformation.OSDescription);
        return Parse(File.ReadAllText("/proc/self/status"));
    }

    public static HostPrivileges NotLinux(string operatingSystem) => new(operatingSystem, isLinux: false, effectiveUid: null, childCapabilities: 0);

    /// <summary>Reads the <c>Uid:</c>, <c>CapInh:</c>, <c>CapBnd:</c> and <c>CapAmb:</c> lines of a Linux <c>/proc/&lt;pid&gt;/status</c>.</summary>
    public static HostPrivileges Parse(string status)
    {
        int? uid = null;
        ulong inheritable = 0, bounding = 0, ambient = 0;
        foreach (var line in status.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
                continue;
            var value = line[(colon + 1)..].Trim();
            switch (line[..colon])
            {
                case "Uid":
                    // real, effective, saved, filesystem
                    var ids = value.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                    if (ids.Length > 1 && int.TryParse(ids[1], NumberStyles.None, CultureInfo.InvariantCulture, out var effective))
                        uid = effective;
                    break;
                case "CapInh":
                    inheritable = Hex(value);
                    break;
                case "CapBnd":
                    bounding = Hex(value);
                    break;
                case "CapAmb":
                    ambient = Hex(value);
                    break;
            }
        }
        if (uid is null)
            throw new PipelineException("The process status has no Uid line; cannot tell whether twistcli --tarball may run here.");
        // execve(2) of a plain binary: root's child gets its bounding set (and inheritable); anyone else's its ambient set.
        var child = uid == 0 ? bounding | inheritable : ambient;
        return new HostPrivileges("Linux", isLinux: true, uid, child);
    }

    static ulong Hex(string value) => ulong.TryParse(value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask) ? mask : 0;
}
