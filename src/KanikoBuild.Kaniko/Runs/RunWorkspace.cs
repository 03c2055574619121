using Serilog;

namespace KanikoBuild.Kaniko;

/// <summary>
/// One run's private folder (0700): <c>output/</c> for the digest and image files kaniko writes, <c>secrets/</c>
/// for copies of the build secrets, <c>docker/config.json</c> for registry logins. Deleted in every outcome.
/// </summary>
internal sealed class RunWorkspace : IDisposable
{
    readonly ILogger _logger;

    RunWorkspace(string root, ILogger logger)
    {
        Root = root;
        _logger = logger;
    }

    public string Root { get; }
    public string Output => Path.Combine(Root, "output");
    public string SecretsDirectory => Path.Combine(Root, "secrets");
    public string DockerConfigDirectory => Path.Combine(Root, "docker");
    public string DockerConfigFile => Path.Combine(DockerConfigDirectory, Kaniko.DockerConfigFile.FileName);
    public bool HasCredentials { get; private set; }
    public bool HasSecrets { get; private set; }

    public static RunWorkspace Create(string parent, KanikoBuildRequest request, ILogger logger)
    {
        var workspace = new RunWorkspace(PrivateDirectory.Create(parent, "kanikobuild-run-"), logger);
        try
        {
            // The executor runs as root, so 0700 folders stay usable to it while closed to other users.
            PrivateDirectory.CreateOwnerOnly(workspace.Output);
            if (request.Secrets.Count > 0)
            {
                PrivateDirectory.CreateOwnerOnly(workspace.SecretsDirectory);
                foreach (var secret in request.Secrets)
                    PrivateDirectory.WriteFile(Path.Combine(workspace.SecretsDirectory, secret.Id), File.ReadAllBytes(secret.SourceFile));
                workspace.HasSecrets = true;
            }
            if (request.RegistryCredentials.Count > 0)
            {
                PrivateDirectory.CreateOwnerOnly(workspace.DockerConfigDirectory);
                Kaniko.DockerConfigFile.Write(workspace.DockerConfigDirectory, request.RegistryCredentials);
                workspace.HasCredentials = true;
            }
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>Reads the digest and image names back and delivers the files the request asked for.</summary>
    public KanikoBuildResult Collect(KanikoBuildRequest request, int exitCode, TimeSpan duration)
    {
        var digestFile = Path.Combine(Output, KanikoOutputFiles.Digest);
        var digest = File.Exists(digestFile) ? File.ReadAllText(digestFile).Trim() : null;
        if (string.IsNullOrEmpty(digest))
            digest = null;
        else if (!digest.StartsWith("sha256:", StringComparison.Ordinal))
            throw new KanikoFailure(KanikoFailureKind.ExecutorFailed, $"kaniko wrote '{digest}' to its digest file, which is not a sha256 digest; check the executor image.", exitCode);

        var namesFile = Path.Combine(Output, KanikoOutputFiles.ImageNameWithDigest);
        var names = File.Exists(namesFile)
            ? File.ReadAllLines(namesFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray()
            : [];

        if (request.DigestFile is { } digestCopy)
            Deliver(digestFile, digestCopy, "--digest-file");
        if (request.ImageNameWithDigestFile is { } namesCopy)
            Deliver(namesFile, namesCopy, "--image-name-with-digest-file");
        if (request.TarPath is { } tarPath)
            Deliver(Path.Combine(Output, KanikoOutputFiles.Tar), tarPath, "--tar-path");
        if (request.OciLayoutPath is { } layoutPath)
            Deliver(Path.Combine(Output, KanikoOutputFiles.OciLayout), layoutPath, "--oci-layout-path");

        return new KanikoBuildResult { ExitCode = exitCode, Digest = digest, ImageNamesWithDigest = names, Duration = duration };
    }

    static void Deliver(string source, string destination, string flag)
    {
        destination = Path.GetFullPath(destination);
        if (Path.GetDirectoryName(destination) is { } parent)
            Directory.CreateDirectory(parent);
        if (File.Exists(source))
        {
            File.Move(source, destination, overwrite: true);
        }
        else if (Directory.Exists(source))
        {
            if (Directory.Exists(destination))
                Directory.Delete(destination, recursive: true);
            DirectoryCopy.Copy(source, destination);
        }
        else
        {
            throw new KanikoFailure(KanikoFailureKind.ExecutorFailed,
                $"kaniko finished but did not write the {flag} output; check that the executor image supports {flag}.", 0);
        }
    }

    public void Dispose()
    {
        if (!PrivateDirectory.TryDelete(Root))
            _logger.Warning("Could not delete the kaniko run folder {Folder}; delete it by hand", Root);
    }
}
