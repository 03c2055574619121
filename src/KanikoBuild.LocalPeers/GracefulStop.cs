using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KanikoBuild.LocalPeers;

/// <summary>
/// Stops a server the Sandbox started the way a service manager would: SIGTERM, a short grace period, and only then
/// a kill. A killed server cannot finish what it is doing or say that it stopped; a polite one exits in well under
/// a second. Windows has no SIGTERM, so there it is killed at once.
/// </summary>
internal static class GracefulStop
{
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(5);

    const int SigTerm = 15; // the same number on Linux and macOS

    public static async Task StopAsync(Process process, TimeProvider time, TimeSpan? grace = null)
    {
        if (process.HasExited)
            return;
        if (!OperatingSystem.IsWindows() && Kill(process.Id, SigTerm) == 0)
        {
            using var timeout = new CancellationTokenSource(grace ?? DefaultGrace, time);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
                // It did not stop in time: fall through to the kill.
            }
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            return; // it exited meanwhile
        }
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int Kill(int pid, int signal);
}
