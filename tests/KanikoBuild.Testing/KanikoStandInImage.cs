using System.Security.Cryptography;

namespace KanikoBuild.Testing;

/// <summary>
/// The working kaniko executor stand-in (<c>standins/kaniko</c>) as an image shaped like the official debug image:
/// static busybox with its applets under <c>/busybox</c>, the stand-in at <c>/kaniko/executor</c>,
/// <c>/kaniko/.docker/</c>, <c>/kaniko/ssl/certs/</c>, <c>DOCKER_CONFIG=/kaniko/.docker/</c>, <c>VOLUME /busybox</c>,
/// <c>ENTRYPOINT ["/kaniko/executor"]</c>. Imported with <c>docker import</c>; the tag <c>:&lt;binary hash&gt;</c> says which
/// build it holds, so a changed stand-in is re-imported and <c>:latest</c> moved to it.
/// </summary>
public static class KanikoStandInImage
{
    public const string Repository = "kanikobuild-test/kaniko-standin";
    public const string Name = Repository + ":latest";

    /// <summary>Bumped when the image's layout (not the binary) changes, so an old import is not reused.</summary>
    const string LayoutVersion = "l2";

    static readonly SemaphoreSlim s_gate = new(1, 1);

    /// <summary>Makes sure <see cref="Name"/> holds the current stand-in build and returns the name.</summary>
    public static async Task<string> EnsureAsync(CancellationToken ct = default)
    {
        await DockerEngine.RequireAsync();
        var binary = await GoBinary.BuildAsync("kaniko", ct);
        await s_gate.WaitAsync(ct);
        try
        {
            var hash = await HashAsync(binary, ct);
            var pinned = $"{Repository}:{hash}-{LayoutVersion}";
            if ((await Shell.RunAsync(DockerEngine.Cli, ["image", "inspect", pinned], ct: ct)).ExitCode != 0)
            {
                await ImportAsync(binary, pinned, ct);
                await Shell.RunCheckedAsync(DockerEngine.Cli, ["tag", pinned, Name], ct: ct);
                await RemoveStaleBuildsAsync(pinned, ct);
            }
            else
            {
                await Shell.RunCheckedAsync(DockerEngine.Cli, ["tag", pinned, Name], ct: ct);
            }
            return Name;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>Earlier stand-in builds are removed, so the engine (vfs: full copies) does not fill up; one in use stays.</summary>
    static async Task RemoveStaleBuildsAsync(string current, CancellationToken ct)
    {
        var tags = await Shell.RunCheckedAsync(DockerEngine.Cli, ["images", Repository, "--format", "{{.Repository}}:{{.Tag}}"], ct: ct);
        foreach (var tag in tags.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (tag != current && tag != Name)
                await Shell.RunAsync(DockerEngine.Cli, ["rmi", tag], ct: ct);
        }
    }

    static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, ct))[..16].ToLowerInvariant();
    }

    static async Task ImportAsync(string binary, string tag, CancellationToken ct)
    {
        const string busybox = "/bin/busybox";
        Peer.Require(File.Exists(busybox), "a static busybox at /bin/busybox", "apt-get install busybox-static");
        using var work = new TempDirectory("kanikobuild-kaniko-standin-");
        // A fresh subdirectory (0755), not the 0700 temp directory itself: its mode becomes the container's "/".
        var root = work.Combine("rootfs");
        Directory.CreateDirectory(root);
        var applets = Path.Combine(root, "busybox");
        Directory.CreateDirectory(applets);
        File.Copy(busybox, Path.Combine(applets, "busybox"));
        foreach (var applet in (await Shell.RunCheckedAsync(busybox, ["--list"], ct: ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var link = Path.Combine(applets, applet);
            if (!File.Exists(link))
                File.CreateSymbolicLink(link, "busybox");
        }
        var kaniko = Path.Combine(root, "kaniko");
        Directory.CreateDirectory(Path.Combine(kaniko, ".docker"));
        Directory.CreateDirectory(Path.Combine(kaniko, "ssl", "certs"));
        var executor = Path.Combine(kaniko, "executor");
        File.Copy(binary, executor);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(executor, (UnixFileMode)0b111_101_101);
            // The official image makes /kaniko world-writable "to allow non root run".
            File.SetUnixFileMode(kaniko, (UnixFileMode)0b111_111_111);
        }
        var tar = work.Combine("rootfs.tar");
        try
        {
            await Shell.RunCheckedAsync("tar", ["-C", root, "--numeric-owner", "--owner=0", "--group=0", "-cf", tar, "."], ct: ct);
            await Shell.RunCheckedAsync(DockerEngine.Cli,
            [
                "import",
                "--change", "ENV HOME=/root",
                "--change", "ENV USER=root",
                "--change", "ENV PATH=/usr/local/bin:/kaniko:/busybox",
                "--change", "ENV SSL_CERT_DIR=/kaniko/ssl/certs",
                "--change", "ENV DOCKER_CONFIG=/kaniko/.docker/",
                "--change", "VOLUME /busybox",
                "--change", "WORKDIR /workspace",
                "--change", "ENTRYPOINT [\"/kaniko/executor\"]",
                tar, tag,
            ], ct: ct);
        }
        finally
        {
            File.Delete(tar);
        }
    }
}
