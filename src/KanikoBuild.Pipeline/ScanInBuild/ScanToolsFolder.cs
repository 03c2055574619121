using KanikoBuild.Dockerfiles;

namespace KanikoBuild.Pipeline.ScanInBuild;

/// <summary>
/// The private host folder that appears at <c>/kaniko/kanikobuild</c> inside the executor during the scan build:
/// twistcli, the short-lived Console token, the Console's CA and the folder twistcli writes its result into.
/// Owner-only permissions; deleted on dispose, so the token never outlives the build on disk.
/// </summary>
public sealed class ScanToolsFolder : IDisposable
{
    public const string PathInBuild = ScanToolsLayout.DefaultDirectory;

    ScanToolsFolder(string root) => Root = root;

    public string Root { get; }

    public string Twistcli => Path.Combine(Root, ScanToolsLayout.Twistcli);

    public string TokenFile => Path.Combine(Root, ScanToolsLayout.TokenFile);

    public string CaCertificate => Path.Combine(Root, ScanToolsLayout.CaCertificate);

    public string OutputDirectory => Path.Combine(Root, ScanToolsLayout.OutputDirectory);

    public static async Task<ScanToolsFolder> CreateAsync(string twistcliPath, string consoleToken, string? caCertificatePath, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory("kanikobuild-scan-").FullName;
        var folder = new ScanToolsFolder(root);
        try
        {
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.CreateDirectory(Path.GetDirectoryName(folder.TokenFile)!);
            Directory.CreateDirectory(folder.OutputDirectory);

            File.Copy(twistcliPath, folder.Twistcli);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(folder.Twistcli, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            // Created owner-only, not chmod-ed afterwards: the token is never readable by others, even briefly.
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var token = new FileStream(folder.TokenFile, options))
            await using (var writer = new StreamWriter(token))
                await writer.WriteAsync(consoleToken.AsMemory(), ct).ConfigureAwait(false);

            if (caCertificatePath is not null)
                File.Copy(caCertificatePath, folder.CaCertificate);
            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(TokenFile))
                File.Delete(TokenFile);
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
