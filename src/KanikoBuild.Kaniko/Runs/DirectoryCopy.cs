namespace KanikoBuild.Kaniko;

/// <summary>Copies a file or folder tree, keeping Unix modes (an executable stays executable, a 0400 token stays 0400).</summary>
internal static class DirectoryCopy
{
    public static void Copy(string source, string destination)
    {
        if (File.Exists(source))
        {
            CopyFile(source, destination);
            return;
        }
        CopyDirectory(new DirectoryInfo(source), destination);
    }

    static void CopyDirectory(DirectoryInfo source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            var target = Path.Combine(destination, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                if (Path.Exists(target))
                    File.Delete(target);
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo directory)
                CopyDirectory(directory, target);
            else
                CopyFile(entry.FullName, target);
        }
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(destination, File.GetUnixFileMode(source.FullName));
    }

    static void CopyFile(string source, string destination)
    {
        // A read-only file (0400) cannot be overwritten in place; replace it.
        if (File.Exists(destination))
            File.Delete(destination);
        File.Copy(source, destination);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
    }
}
