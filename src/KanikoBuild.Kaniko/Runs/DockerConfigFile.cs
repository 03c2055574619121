using System.Text;
using System.Text.Json;
using KanikoBuild.Registry;

namespace KanikoBuild.Kaniko;

/// <summary>
/// The Docker <c>config.json</c> kaniko reads its registry logins from (<c>$DOCKER_CONFIG/config.json</c>;
/// <c>/kaniko/.docker/config.json</c> in the executor images).
/// </summary>
public static class DockerConfigFile
{
    public const string FileName = "config.json";

    // kaniko's README: Docker Hub credentials must be filed under the v1 endpoint.
    const string DockerHubKey = "https://index.docker.io/v1/";

    /// <summary>The JSON text; every password and derived <c>auth</c> value is registered for masking.</summary>
    public static byte[] Create(IReadOnlyDictionary<string, RegistryCredential> credentials)
    {
        var auths = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (registry, credential) in credentials)
        {
            KanikoBuild.Secrets.Register(credential.Password);
            var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}"));
            KanikoBuild.Secrets.Register(auth);
            auths[Key(registry)] = new Dictionary<string, string> { ["auth"] = auth };
        }
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["auths"] = auths });
    }

    /// <summary>Writes <c>config.json</c> (mode 0600) into <paramref name="directory"/> and returns its path.</summary>
    public static string Write(string directory, IReadOnlyDictionary<string, RegistryCredential> credentials)
    {
        var path = Path.Combine(directory, FileName);
        PrivateDirectory.WriteFile(path, Create(credentials));
        return path;
    }

    /// <summary>The key of <c>auths</c> for a registry: the host, or Docker Hub's v1 endpoint.</summary>
    public static string Key(string registry)
    {
        var host = RegistryHost(registry);
        return host is "docker.io" or "index.docker.io" or "registry-1.docker.io" ? DockerHubKey : host;
    }

    /// <summary>The registry host of an image reference (<c>docker.io</c> when the first part is not a host).</summary>
    public static string ImageRegistry(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
            return "docker.io";
        var first = image[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" ? first : "docker.io";
    }

    static string RegistryHost(string registry)
    {
        var value = registry.Trim();
        if (value.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(value, UriKind.Absolute, out var uri))
            value = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        return value.TrimEnd('/').ToLowerInvariant();
    }

    internal static (string Registry, RegistryCredential Credential)? For(string image, IReadOnlyDictionary<string, RegistryCredential> credentials)
    {
        var key = Key(ImageRegistry(image));
        return credentials.LastOrDefault(c => Key(c.Key) == key) is { Value: not null } found ? (found.Key, found.Value) : null;
    }
}
