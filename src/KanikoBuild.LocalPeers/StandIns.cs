using System.Formats.Tar;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;

namespace KanikoBuild.LocalPeers;

/// <summary>
/// The stand-ins for what cannot be had everywhere: twistcli (proprietary) and, where the real kaniko image cannot
/// be pulled, a working kaniko executor (<c>standins/</c>, Go, built static). Shared by the Sandbox and the tests.
/// </summary>
public static class StandIns
{
    public const string KanikoRepository = "kanikobuild/kaniko-standin";

    static readonly SemaphoreSlim s_gate = new(1, 1);

    /// <summary>Builds <c>standins/&lt;name&gt;</c> into a static binary, cached by a hash of its sources.</summary>
    public static async Task<string> BuildGoAsync(string rootDirectory, string name, CancellationToken ct)
    {
        var source = Path.Combine(rootDirectory, "standins", name);
        if (!Directory.Exists(source))
            throw new PipelineException($"The stand-in sources '{source}' are missing.");
        var hash = await HashSourcesAsync(source, ct).ConfigureAwait(false);
        var output = Path.Combine(Path.GetTempPath(), "kanikobuild-standins", $"{name}-{hash}");
        await s_gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (File.Exists(output))
                return output;
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            // A first build compiles Go's standard library too and takes a minute or more; say so, or it looks hung.
            Log.Information("Building the {Name} stand-in from standins/{Name} with Go (once per change of its sources; the first build takes a minute or two, later runs reuse {Output})",
                name, name, output);
            var partial = output + ".partial";
            var lines = new List<string>();
            int exit;
            try
            {
                exit = await ProcessRunner.RunAsync(new ProcessSpec("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", partial, "."])
                {
                    WorkingDirectory = source,
                    Environment = new Dictionary<string, string?>
                    {
                        ["CGO_ENABLED"] = "0", ["GOFLAGS"] = "-mod=mod", ["GO111MODULE"] = "on", ["GOPROXY"] = "off",
                        ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "kanikobuild-gocache"),
                    },
                }, lines.Add, ct).ConfigureAwait(false);
            }
            catch (PipelineException e)
            {
                throw new PipelineException($"The {name} stand-in needs Go to build: apt-get install golang-go ({e.Message}).", e);
            }
            if (exit != 0)
                throw new PipelineException($"Building the {name} stand-in failed (go build exited {exit}): {string.Join(" | ", lines.TakeLast(5))}");
            File.Move(partial, output, overwrite: true);
            return output;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>
    /// The image's configuration, as <c>docker import --change</c> lines. Part of the tag (<see cref="ImageTagAsync"/>),
    /// so editing one re-imports the image instead of reusing one made by the old recipe.
    /// </summary>
    internal static readonly IReadOnlyList<string> KanikoImageChanges =
    [
        // USER and HOME as the official image sets them: with no passwd entry, Go's os/user (kaniko's and
        // the stand-in's user lookup) answers the executor's own uid 0 from them, with gid 0.
        "ENV HOME=/root", "ENV USER=root", "ENV PATH=/usr/local/bin:/kaniko:/busybox", "ENV SSL_CERT_DIR=/kaniko/ssl/certs",
        "ENV DOCKER_CONFIG=/kaniko/.docker/", "VOLUME /busybox", "WORKDIR /workspace", "ENTRYPOINT [\"/kaniko/executor\"]",
    ];

    /// <summary>
    /// The folders of the image's root filesystem besides busybox's. The official image makes /kaniko world-writable
    /// "to allow non root run". Part of the tag, like <see cref="KanikoImageChanges"/>.
    /// </summary>
    internal static readonly IReadOnlyList<(string Path, UnixFileMode Mode)> KanikoImageDirectories =
    [
        ("kaniko/", (UnixFileMode)0b111_111_111), ("kaniko/.docker/", (UnixFileMode)0b111_111_111), ("kaniko/ssl/", (UnixFileMode)0b111_111_111),
        ("kaniko/ssl/certs/", (UnixFileMode)0b111_111_111), ("workspace/", (UnixFileMode)0b111_111_111), ("tmp/", (UnixFileMode)0b111_111_111),
    ];

    const string ExecutorPath = "kaniko/executor";
    const UnixFileMode ExecutorMode = (UnixFileMode)0b111_101_101;

    /// <summary>
    /// The working kaniko stand-in as an image shaped like the official debug image (busybox under /busybox, the
    /// executor at /kaniko/executor, DOCKER_CONFIG=/kaniko/.docker/), imported into the engine once per recipe: the
    /// tag names the executor's sources, the busybox put in, the folders and the configuration (<see cref="ImageTagAsync"/>).
    /// </summary>
    public static async Task<string> EnsureKanikoImageAsync(IDockerClient docker, string rootDirectory, string repository, CancellationToken ct)
    {
        var binary = await BuildGoAsync(rootDirectory, "kaniko", ct).ConfigureAwait(false);
        var tag = await ImageTagAsync(binary, ct).ConfigureAwait(false);
        var pinned = $"{repository}:{tag}";
        try
        {
            await docker.Images.InspectImageAsync(pinned, ct).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException)
        {
            Log.Information("Importing the kaniko stand-in as {Image}", pinned);
            var rootfs = await RootfsTarAsync(binary, ct).ConfigureAwait(false);
            try
            {
                await using var stream = File.OpenRead(rootfs);
                await docker.Images.CreateImageAsync(new ImagesCreateParameters
                {
                    FromSrc = "-",
                    Repo = repository,
                    Tag = tag,
                    Changes = [.. KanikoImageChanges],
                }, stream, null, new Progress<JSONMessage>(), ct).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(rootfs);
            }
        }
        await docker.Images.TagImageAsync(pinned, new ImageTagParameters { RepositoryName = repository, Tag = "latest" }, ct).ConfigureAwait(false);
        return pinned;
    }

    /// <summary>The static busybox this machine has (Debian's busybox-static), or a clear error.</summary>
    public static string StaticBusybox()
    {
        const string busybox = "/bin/busybox";
        if (!File.Exists(busybox))
            throw new PipelineException("The Sandbox makes its base image from a static busybox: apt-get install busybox-static.");
        return busybox;
    }

    /// <summary>Adds <c>busybox</c> and a link per applet under <paramref name="directory"/> in the tar.</summary>
    public static async Task AddBusyboxAsync(TarWriter tar, string directory, CancellationToken ct)
    {
        var busybox = StaticBusybox();
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, directory + "/") { Mode = (UnixFileMode)0b111_101_101 }, ct).ConfigureAwait(false);
        await tar.WriteEntryAsync(busybox, directory + "/busybox", ct).ConfigureAwait(false);
        var applets = new List<string>();
        await ProcessRunner.RunAsync(new ProcessSpec(busybox, ["--list"]), applets.Add, ct).ConfigureAwait(false);
        foreach (var applet in applets.Where(a => a.Length > 0 && a != "busybox"))
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, $"{directory}/{applet}") { LinkName = "busybox", Mode = (UnixFileMode)0b111_111_111 }, ct).ConfigureAwait(false);
    }

    static async Task<string> RootfsTarAsync(string executor, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kanikobuild-standin-{Guid.NewGuid():N}.tar");
        await using var file = File.Create(path);
        await using var tar = new TarWriter(file, TarEntryFormat.Pax);
        await AddBusyboxAsync(tar, "busybox", ct).ConfigureAwait(false);
        foreach (var (directory, mode) in KanikoImageDirectories)
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, directory) { Mode = mode }, ct).ConfigureAwait(false);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, ExecutorPath) { Mode = ExecutorMode, DataStream = File.OpenRead(executor) };
        await tar.WriteEntryAsync(entry, ct).ConfigureAwait(false);
        await entry.DataStream.DisposeAsync().ConfigureAwait(false);
        return path;
    }

    /// <summary>
    /// The stand-in image's tag: a hash of everything that makes the image — the executor's sources (its binary's
    /// name carries their hash), the static busybox, the folders and the configuration. Before, only the Go sources
    /// counted, so an edited <c>ENV</c> or folder kept the image made by the old recipe on every engine that had it.
    /// </summary>
    internal static async Task<string> ImageTagAsync(string executor, CancellationToken ct)
    {
        string busyboxDigest;
        await using (var busybox = File.OpenRead(StaticBusybox()))
            busyboxDigest = Convert.ToHexStringLower(await SHA256.HashDataAsync(busybox, ct).ConfigureAwait(false));
        return ImageTag(Path.GetFileName(executor).Split('-')[^1], busyboxDigest, KanikoImageDirectories, KanikoImageChanges);
    }

    internal static string ImageTag(string executorSourceHash, string busyboxDigest, IReadOnlyList<(string Path, UnixFileMode Mode)> directories,
        IReadOnlyList<string> changes)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // One line per part, each named, so no two recipes run together into the same text.
        void Add(string part) => sha.AppendData(System.Text.Encoding.UTF8.GetBytes(part + "\n"));
        Add("executor " + executorSourceHash);
        Add("busybox " + busyboxDigest);
        foreach (var (directory, mode) in directories)
            Add($"dir {directory} {(int)mode}");
        Add($"file {ExecutorPath} {(int)ExecutorMode}");
        foreach (var change in changes)
            Add("change " + change);
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    static async Task<string> HashSourcesAsync(string source, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(source, file)));
            sha.AppendData(await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
