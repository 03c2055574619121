namespace KanikoBuild.Testing;

public static class RepositoryRoot
{
    /// <summary>The checkout's root: the first ancestor of the test assembly's folder that holds <c>.nuke</c>.</summary>
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(System.IO.Path.Combine(directory.FullName, ".nuke")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No .nuke directory above {AppContext.BaseDirectory}");
    }
}
