namespace KanikoBuild.Testing;

/// <summary>
/// A tiny base image made here, since nothing can be pulled: Debian's busybox-static as <c>/bin/busybox</c> with
/// its applets linked, imported with <c>docker import</c>. Imported once per engine and reused.
/// </summary>
public static class BusyboxImage
{
    // The tag changes whenever the rootfs recipe does, so an engine never reuses an image made by an older recipe.
    public const string Name = "kanikobuild-test/busybox:2";

    static readonly SemaphoreSlim s_gate = new(1, 1);

    /// <summary>Makes sure the image exists in the engine and returns its name.</summary>
    public static async Task<string> EnsureAsync(CancellationToken ct = default)
    {
        await DockerEngine.RequireAsync();
        await s_gate.WaitAsync(ct);
        try
        {
            var inspect = await Shell.RunAsync(DockerEngine.Cli, ["image", "inspect", Name], ct: ct);
            if (inspect.ExitCode == 0)
                return Name;
            using var rootfs = new TempDirectory("kanikobuild-busybox-");
            await CreateRootfsAsync(rootfs.Path, ct);
            var tar = rootfs.Combine("..", Path.GetFileName(rootfs.Path) + ".tar");
            await Shell.RunCheckedAsync("tar", ["-C", rootfs.Path, "-cf", tar, "."], ct: ct);
            try
            {
                await Shell.RunCheckedAsync(DockerEngine.Cli, ["import", "--change", "CMD [\"/bin/sh\"]", "--change", "ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin", tar, Name], ct: ct);
            }
            finally
            {
                File.Delete(tar);
            }
            return Name;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>Writes a busybox root filesystem (bin, etc, tmp, root) into <paramref name="directory"/>.</summary>
    public static async Task CreateRootfsAsync(string directory, CancellationToken ct = default)
    {
        var busybox = "/bin/busybox";
        Peer.Require(File.Exists(busybox) && await IsStaticAsync(busybox, ct), "a static busybox at /bin/busybox", "apt-get install busybox-static");
        foreach (var sub in new[] { "bin", "etc", "tmp", "root", "usr/bin", "sbin", "usr/sbin", "var" })
            Directory.CreateDirectory(Path.Combine(directory, sub));
        File.Copy(busybox, Path.Combine(directory, "bin", "busybox"));
        var applets = (await Shell.RunCheckedAsync(busybox, ["--list"], ct: ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var applet in applets)
        {
            var link = Path.Combine(directory, "bin", applet);
            if (!File.Exists(link))
                File.CreateSymbolicLink(link, "busybox");
        }
        // CreateTempSubdirectory makes 0700 folders; an image whose / or /tmp is not world-readable breaks every non-root USER.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(Path.Combine(directory, "tmp"), (UnixFileMode)0b1_111_111_111);
        }
        File.WriteAllText(Path.Combine(directory, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        File.WriteAllText(Path.Combine(directory, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
    }

    static async Task<bool> IsStaticAsync(string path, CancellationToken ct)
    {
        // Debian's 'busybox' package installs a dynamic binary at the same path; only busybox-static works in a bare rootfs.
        if (Peer.FindExecutable("file") is not { } file)
            return true;
        var result = await Shell.RunAsync(file, ["-L", path], ct: ct);
        return result.ExitCode != 0 || result.StandardOutput.Contains("statically linked", StringComparison.Ordinal) || result.StandardOutput.Contains("static-pie", StringComparison.Ordinal);
    }
}
