using System.Formats.Tar;
using System.IO.Compression;

namespace KanikoBuild.Registry;

/// <summary>One regular file inside the plain tar: where its bytes start and how many there are.</summary>
internal sealed record TarballFile(string Name, long Offset, long Length);

/// <summary>
/// Where each file of a tarball lies inside one plain tar file, found by one pass over the headers (data is
/// skipped, not read). A gzipped tarball is first decompressed into a private temporary copy, because a
/// compressed stream cannot be read at an offset; every later read then comes from that copy, never from memory.
/// </summary>
internal sealed class TarballIndex : IDisposable
{
    // Symbolic and hard links inside the archive (docker save links repeated layers) are followed this deep.
    const int MaxLinkHops = 8;

    readonly Dictionary<string, TarballFile> _files;
    readonly Dictionary<string, string> _links;
    readonly string? _temporaryDirectory;

    TarballIndex(string tarPath, bool gzipped, Dictionary<string, TarballFile> files, Dictionary<string, string> links, HashSet<string> directories, string? temporaryDirectory)
    {
        TarPath = tarPath;
        IsGzipped = gzipped;
        _files = files;
        _links = links;
        Directories = directories;
        _temporaryDirectory = temporaryDirectory;
    }

    /// <summary>The plain tar the offsets refer to: the tarball itself, or the decompressed copy of a gzipped one.</summary>
    public string TarPath { get; }

    public bool IsGzipped { get; }

    public IReadOnlyCollection<string> Names => _files.Keys;

    public IReadOnlySet<string> Directories { get; }

    public bool Contains(string name) => Find(name) is not null;

    /// <param name="temporaryRoot">Where a gzipped tarball's decompressed copy goes (default: the temp folder).</param>
    public static async Task<TarballIndex> OpenAsync(string path, string? temporaryRoot, CancellationToken ct)
    {
        string? temporaryDirectory = null;
        var tarPath = path;
        var gzipped = await StartsWithAsync(path, [0x1f, 0x8b], ct).ConfigureAwait(false);
        try
        {
            if (gzipped)
            {
                temporaryDirectory = CreatePrivateDirectory(temporaryRoot);
                tarPath = Path.Combine(temporaryDirectory, "image.tar");
                await DecompressAsync(path, tarPath, ct).ConfigureAwait(false);
            }
            var (files, links, directories) = await ReadHeadersAsync(path, tarPath, ct).ConfigureAwait(false);
            return new TarballIndex(tarPath, gzipped, files, links, directories, temporaryDirectory);
        }
        catch
        {
            if (temporaryDirectory is not null)
                TryDelete(temporaryDirectory);
            throw;
        }
    }

    static async Task<bool> StartsWithAsync(string path, byte[] magic, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        var head = new byte[magic.Length];
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        return read == magic.Length && head.AsSpan().SequenceEqual(magic);
    }

    static async Task DecompressAsync(string source, string target, CancellationToken ct)
    {
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var gzip = new GZipStream(input, CompressionMode.Decompress);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 20, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var output = new FileStream(target, options);
        try
        {
            await gzip.CopyToAsync(output, 1 << 20, ct).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new PipelineException($"'{source}' starts like a gzip file but does not decompress ({e.Message}); the tarball is damaged or truncated.", e);
        }
    }

    static async Task<(Dictionary<string, TarballFile>, Dictionary<string, string>, HashSet<string>)> ReadHeadersAsync(string shownPath, string tarPath, CancellationToken ct)
    {
        var files = new Dictionary<string, TarballFile>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        await using var stream = new FileStream(tarPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        try
        {
            await using var reader = new TarReader(stream, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                var name = Normalize(entry.Name);
                if (name.Length == 0)
                    continue;
                // A later entry of the same name replaces an earlier one, as when tar extracts.
                files.Remove(name);
                links.Remove(name);
                switch (entry.EntryType)
                {
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        files[name] = new TarballFile(name, entry.DataOffset, entry.Length);
                        break;
                    case TarEntryType.SymbolicLink:
                        links[name] = Resolve(name, entry.LinkName, symbolic: true);
                        break;
                    case TarEntryType.HardLink:
                        links[name] = Normalize(entry.LinkName);
                        break;
                    case TarEntryType.Directory:
                        directories.Add(name);
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new PipelineException($"'{shownPath}' is not a tar archive ({e.Message}); expected a docker-save tarball such as kaniko --tar-path writes.", e);
        }
        return (files, links, directories);
    }

    /// <summary>The file <paramref name="name"/> names, following links inside the archive; null when there is none.</summary>
    public TarballFile? Find(string name)
    {
        var current = Normalize(name);
        for (var hop = 0; hop <= MaxLinkHops; hop++)
        {
            if (_files.TryGetValue(current, out var file))
                return file;
            if (!_links.TryGetValue(current, out var target))
                return null;
            current = target;
        }
        return null;
    }

    /// <summary>A read-only stream over one file's bytes, on a handle of its own (several may be open at once).</summary>
    public Stream Open(TarballFile file)
    {
        var stream = new FileStream(TarPath, FileMode.Open, FileAccess.Read, FileShare.Read, 256 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        stream.Seek(file.Offset, SeekOrigin.Begin);
        return new BoundedReadStream(stream, file.Length);
    }

    public async Task<byte[]> ReadAllAsync(TarballFile file, long limit, string what, CancellationToken ct)
    {
        if (file.Length > limit)
            throw new PipelineException($"{what} ({file.Name}) is {file.Length} bytes, more than the {limit} such a file can be.");
        var bytes = new byte[file.Length];
        await using var stream = Open(file);
        await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        return bytes;
    }

    /// <summary>Archive names as the manifest writes them: no leading <c>./</c> or <c>/</c>, no trailing <c>/</c>.</summary>
    public static string Normalize(string name)
    {
        var text = name.Replace('\\', '/');
        while (text.StartsWith("./", StringComparison.Ordinal))
            text = text[2..];
        return text.Trim('/');
    }

    static string Resolve(string from, string target, bool symbolic)
    {
        if (!symbolic || target.StartsWith('/'))
            return Normalize(target);
        var directory = from.Contains('/', StringComparison.Ordinal) ? from[..from.LastIndexOf('/')] : string.Empty;
        var parts = new List<string>(directory.Length == 0 ? [] : directory.Split('/'));
        foreach (var part in target.Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    static string CreatePrivateDirectory(string? root)
    {
        var parent = root ?? Path.GetTempPath();
        Directory.CreateDirectory(parent);
        var path = Path.Combine(parent, "kanikobuild-archive-" + Guid.NewGuid().ToString("N")[..12]);
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        if (_temporaryDirectory is not null)
            TryDelete(_temporaryDirectory);
    }
}
