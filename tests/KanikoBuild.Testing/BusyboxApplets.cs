using System.Security.Cryptography;
using System.Text;

namespace KanikoBuild.Testing;

/// <summary>
/// A folder of links to <c>/bin/busybox</c>, one per applet, to put alone on <c>PATH</c> when a script must work with
/// what a busybox image has. It lives in the test assembly's output folder (under <c>bin/</c>), not in the system's
/// temporary folder: test runs used to leave one <c>/tmp/kanikobuild-applets-*</c> folder each behind, and this one
/// is made once per applet list and reused by every later run.
/// </summary>
public static class BusyboxApplets
{
    const string Busybox = "/bin/busybox";
    static readonly SemaphoreSlim s_gate = new(1, 1);
    static string? s_directory;

    public static async Task<string> DirectoryAsync(CancellationToken ct = default)
    {
        await s_gate.WaitAsync(ct);
        try
        {
            if (s_directory is not null)
                return s_directory;
            Peer.Require(File.Exists(Busybox), $"busybox at {Busybox}", "apt-get install busybox-static");
            var applets = (await Shell.RunCheckedAsync(Busybox, ["--list"], ct: ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            // Named by the applet list, so an upgraded busybox gets a fresh folder instead of a stale one.
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', applets))))[..12];
            var directory = Path.Combine(AppContext.BaseDirectory, $"busybox-applets-{hash}");
            if (!Directory.Exists(directory))
            {
                // Built beside it and renamed into place, so a second test process never sees half a folder.
                var building = $"{directory}.{Environment.ProcessId}.tmp";
                Directory.CreateDirectory(building);
                foreach (var applet in applets)
                    File.CreateSymbolicLink(Path.Combine(building, applet), Busybox);
                try
                {
                    Directory.Move(building, directory);
                }
                catch (IOException) when (Directory.Exists(directory))
                {
                    Directory.Delete(building, recursive: true); // another process was first
                }
            }
            return s_directory = directory;
        }
        finally
        {
            s_gate.Release();
        }
    }
}
