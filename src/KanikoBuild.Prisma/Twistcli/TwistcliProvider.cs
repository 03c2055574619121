using System.Runtime.InteropServices;
using Serilog;

namespace KanikoBuild.Prisma.Twistcli;

/// <summary>
/// Finds twistcli for alternative A: the user's <c>--twistcli-path</c>, or the Console's own build for this
/// platform, downloaded once per Console version into <c>{cache}/{version}/twistcli</c> (the Console supports
/// twistcli of its own and the two previous majors, so the version is the right cache key: prisma.md §1.7–1.8).
/// </summary>
public sealed class TwistcliProvider(ComputeClient client, string cacheDirectory, ILogger? log = null)
{
    readonly ILogger _log = log ?? Log.Logger;

    /// <summary>The default cache: <c>.nuke/temp/twistcli</c> under the build's root.</summary>
    public static string DefaultCacheDirectory(string rootDirectory) => Path.Combine(rootDirectory, ".nuke", "temp", "twistcli");

    /// <returns>The path of an executable twistcli.</returns>
    public static string UseGiven(string twistcliPath)
    {
        var path = Path.GetFullPath(twistcliPath);
        if (!File.Exists(path))
            throw new PipelineException($"{ParameterName.Of<ConsoleOptions>(nameof(ConsoleOptions.TwistcliPath))} '{twistcliPath}' does not exist.");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
            throw new PipelineException($"{ParameterName.Of<ConsoleOptions>(nameof(ConsoleOptions.TwistcliPath))} '{twistcliPath}' is not executable; run chmod +x on it.");
        return path;
    }

    public async Task<string> AcquireAsync(string? twistcliPath, CancellationToken ct, TwistcliPlatform? platform = null)
    {
        if (!string.IsNullOrEmpty(twistcliPath))
            return UseGiven(twistcliPath);

        var target = platform ?? CurrentPlatform();
        var version = await client.GetVersionAsync(ct).ConfigureAwait(false);
        var directory = Path.Combine(cacheDirectory, version, PlatformFolder(target));
        var path = Path.Combine(directory, target == TwistcliPlatform.Windows ? "twistcli.exe" : "twistcli");
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            _log.Information("Using twistcli {Version} from the cache: {Path}", version, path);
            return path;
        }

        Directory.CreateDirectory(directory);
        // Downloaded beside the target and renamed: a cancelled or failed download never leaves a half file as "cached".
        var partial = Path.Combine(directory, $".twistcli.{Guid.NewGuid():N}.partial");
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                await client.DownloadTwistcliAsync(target, file, ct).ConfigureAwait(false);
            if (new FileInfo(partial).Length == 0)
                throw new PipelineException($"The Console at {client.Endpoint.ConsoleUrl} sent an empty twistcli for {target}.");
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(partial))
                File.Delete(partial);
        }
        _log.Information("Downloaded twistcli {Version} for {Platform} from the Console: {Path}", version, target, path);
        return path;
    }

    public static TwistcliPlatform CurrentPlatform()
    {
        var arm = RuntimeInformation.OSArchitecture == Architecture.Arm64;
        if (OperatingSystem.IsWindows())
            return TwistcliPlatform.Windows;
        if (OperatingSystem.IsMacOS())
            return arm ? TwistcliPlatform.MacArm64 : TwistcliPlatform.MacAmd64;
        return arm ? TwistcliPlatform.LinuxArm64 : TwistcliPlatform.LinuxAmd64;
    }

    // Linux amd64 keeps the plain <version>/twistcli layout; other platforms get their own folder.
    static string PlatformFolder(TwistcliPlatform platform) => platform switch
    {
        TwistcliPlatform.LinuxAmd64 => string.Empty,
        TwistcliPlatform.LinuxArm64 => "linux-arm64",
        TwistcliPlatform.MacAmd64 => "osx",
        TwistcliPlatform.MacArm64 => "osx-arm64",
        _ => "windows",
    };
}
