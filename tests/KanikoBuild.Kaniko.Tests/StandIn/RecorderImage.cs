using System.Security.Cryptography;
using KanikoBuild.Testing;

namespace KanikoBuild.Kaniko.Tests;

/// <summary>
/// The recording stand-in executor (<c>StandIn/executor.sh</c>) and the image made from it, arranged like the
/// kaniko debug image: busybox under <c>/busybox</c> (a VOLUME, as in the debug image), the script at
/// <c>/kaniko/executor</c> as ENTRYPOINT, <c>DOCKER_CONFIG=/kaniko/.docker/</c>.
///
/// What the stand-in proves: how the runners start the executor — its arguments, environment, mounts and
/// credential file, the streaming of its output, its exit code, the files it writes back, and the cleanup.
/// What it does NOT prove: anything about Dockerfile semantics or kaniko's own behaviour (building layers,
/// pushing, caching, the exit code of a real failing RUN, a real out-of-memory kill). Those come from
/// kaniko itself; Dockerfile semantics are covered with the real Docker builder in the instrumentation tests,
/// and the observed executor behaviour is recorded in shared/reference/kaniko.md §7.
/// </summary>
public static class RecorderImage
{
    public const string Name = "kanikobuild-test/kaniko-recorder:latest";
    const string HashLabel = "org.kanikobuild.recorder-hash";

    static readonly SemaphoreSlim s_gate = new(1, 1);

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "StandIn", "executor.sh");

    /// <summary>Copies the script to <paramref name="path"/> as an executable (for the local runner).</summary>
    public static void InstallScript(string path)
    {
        File.Copy(ScriptPath, path, overwrite: true);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    public static async Task<string> EnsureAsync(CancellationToken ct = default)
    {
        await DockerEngine.RequireAsync();
        var hash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(ScriptPath, ct)))[..16].ToLowerInvariant();
        await s_gate.WaitAsync(ct);
        try
        {
            var inspect = await Shell.RunAsync(DockerEngine.Cli, ["image", "inspect", "--format", $"{{{{index .Config.Labels \"{HashLabel}\"}}}}", Name], ct: ct);
            if (inspect.ExitCode == 0 && inspect.StandardOutput.Trim() == hash)
                return Name;

            using var rootfs = new TempDirectory("kanikobuild-recorder-");
            await BusyboxImage.CreateRootfsAsync(rootfs.Path, ct);
            // The debug image keeps busybox under /busybox; /bin/sh points there.
            Directory.Move(rootfs.Combine("bin"), rootfs.Combine("busybox"));
            Directory.CreateDirectory(rootfs.Combine("bin"));
            File.CreateSymbolicLink(rootfs.Combine("bin", "sh"), "/busybox/sh");
            Directory.CreateDirectory(rootfs.Combine("kaniko", ".docker"));
            Directory.CreateDirectory(rootfs.Combine("workspace"));
            InstallScript(rootfs.Combine("kaniko", "executor"));

            var tar = rootfs.Path + ".tar";
            await Shell.RunCheckedAsync("tar", ["-C", rootfs.Path, "-cf", tar, "."], ct: ct);
            try
            {
                await Shell.RunCheckedAsync(DockerEngine.Cli,
                [
                    "import",
                    "--change", "ENV PATH=/usr/local/bin:/kaniko:/busybox",
                    "--change", "ENV HOME=/root",
                    "--change", "ENV DOCKER_CONFIG=/kaniko/.docker/",
                    "--change", "VOLUME /busybox",
                    "--change", "WORKDIR /workspace",
                    "--change", $"LABEL {HashLabel}={hash}",
                    "--change", "ENTRYPOINT [\"/kaniko/executor\"]",
                    tar, Name,
                ], ct: ct);
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
}
