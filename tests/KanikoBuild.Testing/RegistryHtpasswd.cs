namespace KanikoBuild.Testing;

/// <summary>An htpasswd file (bcrypt, made with apache2-utils' <c>htpasswd -B</c>) and the registry's <c>auth: htpasswd:</c> section.</summary>
public sealed class RegistryHtpasswd : IDisposable
{
    RegistryHtpasswd(string path) => Path = path;

    public string Path { get; }

    public static async Task<RegistryHtpasswd> CreateAsync(IReadOnlyDictionary<string, string> users, CancellationToken ct = default)
    {
        var htpasswd = Peer.RequireExecutable("htpasswd", "apache2-utils");
        var file = new RegistryHtpasswd(System.IO.Path.Combine(Directory.CreateTempSubdirectory("kanikobuild-htpasswd-").FullName, "htpasswd"));
        var lines = new List<string>();
        foreach (var (user, password) in users)
        {
            // -i reads the password from stdin, so it is not on a command line.
            using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(password + "\n"));
            lines.Add((await Shell.RunCheckedAsync(htpasswd, ["-niB", user], standardInput: input, ct: ct)).Trim());
        }
        await File.WriteAllLinesAsync(file.Path, lines, ct);
        return file;
    }

    public string RegistryConfig => $"""
        auth:
          htpasswd:
            realm: kanikobuild-test
            path: {Path}
        """;

    public void Dispose()
    {
        try { Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true); } catch (IOException) { }
    }
}
