using System.Security.Cryptography;

namespace KanikoBuild.Kaniko;

/// <summary>Owner-only folders and files (0700/0600) for what must not be readable by other users.</summary>
internal static class PrivateDirectory
{
    internal const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    internal const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates a new, uniquely named owner-only folder under <paramref name="parent"/>.</summary>
    public static string Create(string parent, string prefix)
    {
        Directory.CreateDirectory(parent);
        var path = Path.Combine(parent, prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant());
        CreateOwnerOnly(path);
        return path;
    }

    public static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, OwnerOnly);
        File.SetUnixFileMode(path, OwnerOnly); // the umask may have narrowed it; never widened
    }

    /// <summary>Writes a file that only its owner can read, created with that mode (never briefly wider).</summary>
    public static void WriteFile(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerReadWrite;
        using var stream = new FileStream(path, options);
        stream.Write(content);
    }

    /// <summary>Deletes a folder and everything in it; true when nothing is left.</summary>
    public static bool TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
            else if (File.Exists(path))
                File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
