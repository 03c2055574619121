namespace KanikoBuild.Prisma.Twistcli;

/// <summary>
/// The private folder of one tarball scan: <c>run/</c> (the wrapper script and <c>secrets/console-token</c>, handed to
/// twistcli read-only) and <c>out/</c> (where twistcli writes its result). Owner-only; deleted on dispose, so the
/// token never outlives the scan on disk.
/// </summary>
internal sealed class ScanFolder : IDisposable
{
    const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    ScanFolder(string root) => Root = root;

    public string Root { get; }
    public string RunDirectory => Path.Combine(Root, "run");
    public string Script => Path.Combine(RunDirectory, "scan.sh");
    public string TokenFile => Path.Combine(RunDirectory, "secrets", "console-token");
    public string OutputDirectory => Path.Combine(Root, "out");
    public const string OutputName = "twistcli-result.json";

    public static async Task<ScanFolder> CreateAsync(string? workRoot, string token, CancellationToken ct)
    {
        var parent = workRoot ?? Path.GetTempPath();
        Directory.CreateDirectory(parent);
        var folder = new ScanFolder(Path.Combine(parent, "kanikobuild-twistcli-" + Guid.NewGuid().ToString("N")[..12]));
        try
        {
            foreach (var directory in new[] { folder.Root, folder.RunDirectory, Path.GetDirectoryName(folder.TokenFile)!, folder.OutputDirectory })
                CreatePrivate(directory);
            // Created owner-only, never chmod-ed afterwards: the token is not readable by others even briefly.
            await WritePrivateAsync(folder.TokenFile, token, UnixFileMode.UserRead, ct).ConfigureAwait(false);
            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    public Task WriteScriptAsync(string text, CancellationToken ct) =>
        WritePrivateAsync(Script, text, UnixFileMode.UserRead | UnixFileMode.UserWrite, ct);

    static void CreatePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, OwnerOnly);
        File.SetUnixFileMode(path, OwnerOnly);
    }

    static async Task WritePrivateAsync(string path, string text, UnixFileMode mode, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = mode | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(path, options))
        await using (var writer = new StreamWriter(stream))
            await writer.WriteAsync(text.AsMemory(), ct).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode);
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(TokenFile))
                File.Delete(TokenFile);
            if (Directory.Exists(Root))
                Directory.Delete(Root, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
