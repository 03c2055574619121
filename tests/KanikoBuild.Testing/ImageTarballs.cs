using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace KanikoBuild.Testing;

/// <summary>One entry of a test layer: a file, a directory, a link, or an overlay whiteout.</summary>
public abstract record LayerEntry(string Path)
{
    public sealed record File(string Path, string Content, UnixFileMode Mode = (UnixFileMode)0b110_100_100) : LayerEntry(Path);
    public sealed record Directory(string Path) : LayerEntry(Path);
    public sealed record Symlink(string Path, string Target) : LayerEntry(Path);
    public sealed record Hardlink(string Path, string Target) : LayerEntry(Path);
    /// <summary>Deletes <c>Path</c> of the layers below (<c>.wh.&lt;name&gt;</c>).</summary>
    public sealed record Whiteout(string Path) : LayerEntry(Path);
    /// <summary>Hides everything the layers below put in the directory <c>Path</c> (<c>.wh..wh..opq</c>).</summary>
    public sealed record Opaque(string Path) : LayerEntry(Path);
}

/// <summary>A layer to write: its entries and the Dockerfile instruction that made it.</summary>
public sealed record TestLayer(string CreatedBy, IReadOnlyList<LayerEntry> Entries)
{
    /// <summary>The layer's creation time in the history; null writes the image's (kaniko: the zero time).</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>The files scanners read (CONTRACTS.md §1): an apk database and an os-release.</summary>
    public static TestLayer Packages(string createdBy, string distro, string release, params (string Name, string Version)[] packages) =>
        new(createdBy,
        [
            new LayerEntry.Directory("etc"),
            new LayerEntry.File("etc/os-release", $"NAME=\"Alpine Linux\"\nID={distro}\nVERSION_ID={release}\n"),
            new LayerEntry.Directory("lib"),
            new LayerEntry.Directory("lib/apk"),
            new LayerEntry.Directory("lib/apk/db"),
            new LayerEntry.File("lib/apk/db/installed", string.Concat(packages.Select(p => $"C:Q1{Guid.NewGuid():N}=\nP:{p.Name}\nV:{p.Version}\nA:x86_64\n\n"))),
        ]);
}

/// <summary>What a test tarball holds, as the test wrote it (the expectations to compare with).</summary>
public sealed record TestTarball(string Path, string ImageId, byte[] Config, IReadOnlyList<string> LayerDigests, IReadOnlyList<string> DiffIds, IReadOnlyList<string> RepoTags);

/// <summary>
/// Docker-save tarballs made for tests: kaniko's <c>--tar-path</c> layout exactly as kaniko.md §8 records it
/// (config named <c>sha256:&lt;hex&gt;</c>, layers <c>&lt;hex&gt;.tar.gz</c> named by their digests, <c>manifest.json</c> with
/// <c>RepoTags</c> = the destinations, written last as go-containerregistry does), and real <c>docker save</c> output.
/// </summary>
public static class ImageTarballs
{
    /// <summary>Writes kaniko's layout. The config's history has an entry per layer plus <paramref name="emptySteps"/> (ENV, USER…) with empty_layer.</summary>
    public static TestTarball WriteKanikoLayout(string path, IReadOnlyList<TestLayer> layers, IReadOnlyList<string> repoTags, bool gzipTarball = false,
        IReadOnlyList<string>? emptySteps = null, DateTimeOffset? created = null)
    {
        var tars = layers.Select(l => LayerTar(l.Entries)).ToList();
        var compressed = tars.Select(Gzip).ToList();
        var diffIds = tars.Select(Digest).ToList();
        var config = Config(layers, diffIds, emptySteps ?? [], created);
        var configName = Digest(config);
        var files = new List<(string Name, byte[] Content)> { (configName, config) };
        var layerNames = new List<string>();
        foreach (var blob in compressed)
        {
            var name = Digest(blob)["sha256:".Length..] + ".tar.gz";
            layerNames.Add(name);
            if (files.All(f => f.Name != name))
                files.Add((name, blob));
        }
        files.Add(("manifest.json", Manifest(configName, repoTags, layerNames)));
        WriteArchive(path, files, gzipTarball);
        return new TestTarball(path, configName, config, compressed.Select(Digest).ToList(), diffIds, repoTags);
    }

    /// <summary>A busybox root filesystem as a layer (the base of a runnable test image).</summary>
    public static async Task<TestLayer> BusyboxLayerAsync(CancellationToken ct = default)
    {
        using var rootfs = new TempDirectory("kanikobuild-tarball-rootfs-");
        await BusyboxImage.CreateRootfsAsync(rootfs.Path, ct);
        var entries = new List<LayerEntry>();
        foreach (var directory in System.IO.Directory.GetDirectories(rootfs.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            entries.Add(new LayerEntry.Directory(System.IO.Path.GetRelativePath(rootfs.Path, directory)));
        foreach (var file in System.IO.Directory.GetFiles(rootfs.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = System.IO.Path.GetRelativePath(rootfs.Path, file);
            var info = new FileInfo(file);
            if (info.LinkTarget is { } target)
                entries.Add(new LayerEntry.Symlink(relative, target));
            else if (relative == "bin/busybox")
                entries.Add(new BinaryFile(relative, await System.IO.File.ReadAllBytesAsync(file, ct)));
            else
                entries.Add(new LayerEntry.File(relative, await System.IO.File.ReadAllTextAsync(file, ct)));
        }
        return new TestLayer("FROM busybox", entries);
    }

    /// <summary>
    /// Real <c>docker save</c> output (Docker 20.10: uncompressed <c>&lt;id&gt;/layer.tar</c> layers, <c>&lt;image id&gt;.json</c>
    /// config) of a busybox-based image that declares <paramref name="packages"/>; the image is removed from the engine after.
    /// </summary>
    public static async Task<TestTarball> DockerSaveAsync(string path, string tag, (string Name, string Version)[] packages, bool gzipTarball = false, CancellationToken ct = default)
    {
        var busybox = await BusyboxImage.EnsureAsync(ct);
        using var context = new TempDirectory("kanikobuild-save-context-");
        context.Write("os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n");
        context.Write("installed", string.Concat(packages.Select(p => $"P:{p.Name}\nV:{p.Version}\n\n")));
        context.Write("Dockerfile", $"FROM {busybox}\nCOPY os-release /etc/os-release\nRUN mkdir -p /lib/apk/db && echo built > /etc/built-by\nCOPY installed /lib/apk/db/installed\nENV APP=test\nUSER 65534\n");
        var environment = new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "0" };
        await Shell.RunCheckedAsync(DockerEngine.Cli, ["build", "--network", "host", "-q", "-t", tag, context.Path], environment: environment, ct: ct);
        try
        {
            var plain = gzipTarball ? path + ".plain" : path;
            await Shell.RunCheckedAsync(DockerEngine.Cli, ["save", "-o", plain, tag], ct: ct);
            if (gzipTarball)
            {
                await using (var input = System.IO.File.OpenRead(plain))
                await using (var output = System.IO.File.Create(path))
                await using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
                    await input.CopyToAsync(gzip, ct);
                System.IO.File.Delete(plain);
            }
            var id = (await Shell.RunCheckedAsync(DockerEngine.Cli, ["image", "inspect", "--format", "{{.Id}}", tag], ct: ct)).Trim();
            var diffIds = (await Shell.RunCheckedAsync(DockerEngine.Cli, ["image", "inspect", "--format", "{{range .RootFS.Layers}}{{println .}}{{end}}", tag], ct: ct))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            // docker save stores layers uncompressed: each stored digest is its diff id.
            return new TestTarball(path, id, [], diffIds, diffIds, [tag]);
        }
        finally
        {
            await Shell.RunAsync(DockerEngine.Cli, ["rmi", "--no-prune", tag], ct: CancellationToken.None);
        }
    }

    /// <summary>Writes a tar of <paramref name="files"/> in this order (e.g. for a tarball that is wrong on purpose).</summary>
    public static void WriteArchive(string path, IEnumerable<(string Name, byte[] Content)> files, bool gzip = false)
    {
        using var file = System.IO.File.Create(path);
        using Stream target = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var writer = new TarWriter(target, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (name, content) in files)
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = (UnixFileMode)0b110_100_100 });
    }

    public static byte[] Manifest(string configName, IReadOnlyList<string> repoTags, IReadOnlyList<string> layerNames) =>
        Encoding.UTF8.GetBytes(new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray(repoTags.Select(t => (JsonNode)t).ToArray()),
            ["Layers"] = new JsonArray(layerNames.Select(n => (JsonNode)n).ToArray()),
        }).ToJsonString());

    static byte[] Config(IReadOnlyList<TestLayer> layers, IReadOnlyList<string> diffIds, IReadOnlyList<string> emptySteps, DateTimeOffset? created)
    {
        // kaniko leaves every layer's creation time at zero (kaniko issue #699), which is why twistcli maps no finding to a layer.
        var time = (created ?? DateTimeOffset.MinValue).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var history = new JsonArray();
        foreach (var layer in layers)
            history.Add(new JsonObject { ["created"] = layer.Created is { } at ? at.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : time, ["created_by"] = layer.CreatedBy });
        foreach (var step in emptySteps)
            history.Add(new JsonObject { ["created"] = time, ["created_by"] = step, ["empty_layer"] = true });
        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["created"] = time,
            ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), ["Cmd"] = new JsonArray("/bin/sh"), ["Labels"] = new JsonObject { ["nonce"] = Guid.NewGuid().ToString("N") } },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffIds.Select(d => (JsonNode)d).ToArray()) },
            ["history"] = history,
        }.ToJsonString());
    }

    /// <summary>A file with binary content (the busybox executable).</summary>
    public sealed record BinaryFile(string FilePath, byte[] Bytes) : LayerEntry(FilePath);

    public static byte[] LayerTar(IReadOnlyList<LayerEntry> entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            foreach (var entry in entries)
            {
                var name = entry.Path.Trim('/');
                PaxTarEntry tar = entry switch
                {
                    LayerEntry.File f => new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(f.Content)), Mode = f.Mode },
                    BinaryFile b => new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(b.Bytes), Mode = (UnixFileMode)0b111_101_101 },
                    LayerEntry.Directory => new PaxTarEntry(TarEntryType.Directory, name + "/") { Mode = (UnixFileMode)0b111_101_101 },
                    LayerEntry.Symlink s => new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = s.Target },
                    LayerEntry.Hardlink h => new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = h.Target },
                    LayerEntry.Whiteout => new PaxTarEntry(TarEntryType.RegularFile, Sibling(name, ".wh." + Leaf(name))) { DataStream = new MemoryStream() },
                    LayerEntry.Opaque => new PaxTarEntry(TarEntryType.RegularFile, name + "/.wh..wh..opq") { DataStream = new MemoryStream() },
                    _ => throw new ArgumentException($"unknown layer entry {entry}"),
                };
                tar.ModificationTime = time;
                writer.WriteEntry(tar);
            }
        }
        return buffer.ToArray();
    }

    static string Leaf(string path) => path.Contains('/') ? path[(path.LastIndexOf('/') + 1)..] : path;

    static string Sibling(string path, string name) => path.Contains('/') ? path[..(path.LastIndexOf('/') + 1)] + name : name;

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return buffer.ToArray();
    }

    public static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));
}
