using System.Text.RegularExpressions;

namespace KanikoBuild.Kaniko;

/// <summary>
/// Rejects requests kaniko would refuse, or would run in a way nobody wants, before any container starts.
/// All problems are reported together, in one message.
/// </summary>
public static partial class KanikoRequestValidator
{
    /// <summary>Every executor path a request may mount to lives here: kaniko never snapshots it.</summary>
    public const string KanikoDirectory = "/kaniko";

    /// <summary>Executor paths the runners own; a mount there would hide the executor or its credentials.</summary>
    public static readonly IReadOnlyList<string> ReservedPaths =
        ["/kaniko", "/kaniko/executor", "/kaniko/warmer", "/kaniko/.docker", "/kaniko/output", "/kaniko/secrets", "/kaniko/Dockerfile"];

    // Flags the runners set themselves; a raw copy would fight with theirs.
    static readonly string[] s_ownedFlags =
        ["--digest-file", "--image-name-with-digest-file", "--context", "-c", "--dockerfile", "-f", "--tar-path", "--oci-layout-path", "--secret"];

    public static void Validate(KanikoBuildRequest request)
    {
        var problems = Problems(request).ToList();
        if (problems.Count > 0)
            throw new PipelineException("The kaniko build request is invalid: " + string.Join("; ", problems) + ".");
    }

    public static IEnumerable<string> Problems(KanikoBuildRequest request)
    {
        if (request.Destinations.Count == 0 && !request.NoPush)
            yield return "there is no destination to push to; give at least one destination, or set NoPush (--no-push) to build only";
        foreach (var destination in request.Destinations.Where(d => string.IsNullOrWhiteSpace(d) || d.Any(char.IsWhiteSpace)))
            yield return $"the destination '{destination}' is not an image reference";
        if (request.ImageNameWithDigestFile is not null && request.Destinations.Count == 0)
            yield return "--image-name-with-digest-file needs at least one destination (kaniko writes one line per destination)";
        if (request.Cache && request.NoPush && string.IsNullOrWhiteSpace(request.CacheRepo))
            yield return "--cache with --no-push needs a cache repository (--cache-repo), since there is no destination to derive it from";
        if (!request.Cache && (request.CacheRepo is not null || request.CacheTtl is not null || request.CacheRunLayers is not null || request.CacheCopyLayers is not null))
            yield return "cache options (--cache-repo, --cache-ttl, --cache-run-layers, --cache-copy-layers) are set but the cache is off; set Cache (--cache)";
        if (request.CacheTtl is { } ttl && ttl <= TimeSpan.Zero)
            yield return "--cache-ttl must be positive";
        if (request.PushRetry is < 0)
            yield return "--push-retry cannot be negative";
        if (request.ImageFsExtractRetry is < 0)
            yield return "--image-fs-extract-retry cannot be negative";

        if (request.Context.IsDirectory)
        {
            if (!KanikoArguments.IsUrl(request.Dockerfile) && Path.IsPathRooted(request.Dockerfile)
                && KanikoArguments.MountHolding(request, request.Dockerfile) is null
                && Path.GetRelativePath(request.Context.HostDirectory!, request.Dockerfile) is var relative
                && (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)))
                yield return $"the Dockerfile '{request.Dockerfile}' is outside the context directory '{request.Context.HostDirectory}'; the executor only sees the context and the mounted folders";
        }
        else if (request.Context.Url!.StartsWith("tar://stdin", StringComparison.Ordinal))
            yield return "a tar://stdin context is not supported: the runners give the executor no standard input";

        foreach (var arg in request.BuildArgs)
        {
            var key = arg.Split('=', 2)[0];
            if (!BuildArgKey().IsMatch(key))
                yield return $"the build argument '{Secrets.Mask(key)}' does not start with a valid name (KEY=VALUE or KEY)";
        }
        foreach (var label in request.Labels.Where(l => string.IsNullOrWhiteSpace(l.Key)))
            yield return $"a label has an empty key (value '{label.Value}')";

        foreach (var duplicate in request.Secrets.GroupBy(s => s.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            yield return $"the secret id '{duplicate.Key}' is given twice";
        foreach (var secret in request.Secrets)
        {
            if (!SecretId().IsMatch(secret.Id))
                yield return $"the secret id '{secret.Id}' may only hold letters, digits, '.', '_' and '-'";
            if (!File.Exists(secret.SourceFile))
                yield return $"the file of secret '{secret.Id}' ({secret.SourceFile}) does not exist";
        }

        foreach (var (registry, credential) in request.RegistryCredentials)
        {
            if (string.IsNullOrWhiteSpace(registry) || registry.Contains('/', StringComparison.Ordinal) && !registry.Contains("://", StringComparison.Ordinal))
                yield return $"the registry of a credential ('{registry}') must be a host such as registry.example.com or 127.0.0.1:5000";
            if (string.IsNullOrEmpty(credential.Username) || string.IsNullOrEmpty(credential.Password))
                yield return $"the credential for '{registry}' has an empty user name or password";
        }

        foreach (var mount in request.Mounts)
        {
            if (!Path.Exists(mount.HostPath))
                yield return $"the folder to mount at {mount.ContainerPath} ({mount.HostPath}) does not exist";
            if (NormalizeContainerPath(mount.ContainerPath) is not { } path)
                yield return $"the mount path '{mount.ContainerPath}' must be an absolute path under {KanikoDirectory}/ (kaniko would snapshot, or overwrite, anything else)";
            else if (ReservedPaths.Any(r => path == r || path.StartsWith(r + "/", StringComparison.Ordinal) && r != KanikoDirectory))
                yield return $"the mount path '{mount.ContainerPath}' is used by the runner itself";
        }
        foreach (var duplicate in request.Mounts.GroupBy(m => NormalizeContainerPath(m.ContainerPath)).Where(g => g.Key is not null && g.Count() > 1))
            yield return $"two mounts share the path {duplicate.Key}";

        foreach (var arg in request.ExtraArguments)
        {
            var name = arg.Split('=', 2)[0];
            if (s_ownedFlags.Contains(name, StringComparer.Ordinal))
                yield return $"the extra argument '{name}' is set by the runner; use the request's own property instead";
        }
    }

    /// <summary>The path without '.' or '..' tricks, or null when it is not strictly under <c>/kaniko/</c>.</summary>
    internal static string? NormalizeContainerPath(string containerPath)
    {
        if (!containerPath.StartsWith('/'))
            return null;
        var parts = new List<string>();
        foreach (var part in containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
                return null;
            if (part != ".")
                parts.Add(part);
        }
        var normalized = "/" + string.Join('/', parts);
        return parts.Count >= 2 && parts[0] == "kaniko" ? normalized : null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex BuildArgKey();

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex SecretId();
}
