using System.Net;

namespace KanikoBuild.Registry;

/// <summary>
/// Where images live: <c>host[:port][/path-prefix]</c>, e.g. <c>registry.example.com/dev</c>. Two specs may name
/// two prefixes of one registry (dev and production), in which case blobs are mounted rather than copied.
/// </summary>
public sealed record RegistrySpec : IParsable<RegistrySpec>
{
    public RegistrySpec(string host, string? pathPrefix = null)
    {
        Host = host;
        PathPrefix = string.IsNullOrEmpty(pathPrefix) ? null : pathPrefix;
    }

    /// <summary>host[:port] as written (lowercased), e.g. <c>registry.example.com:5000</c>.</summary>
    public string Host { get; }

    /// <summary>Repository path prefix, e.g. <c>dev</c> or <c>team/prod</c>; null when none.</summary>
    public string? PathPrefix { get; }

    /// <summary>The host the API is reached on: Docker Hub's <c>docker.io</c> is served by <c>registry-1.docker.io</c>.</summary>
    public string ApiHost => Host is "docker.io" or "index.docker.io" ? "registry-1.docker.io" : Host;

    /// <summary>The repository of <paramref name="image"/> under this registry's prefix.</summary>
    public string Repository(string image)
    {
        var trimmed = image.Trim('/');
        var name = PathPrefix is null ? trimmed : $"{PathPrefix}/{trimmed}";
        if (PathPrefix is null && Host == "docker.io" && !name.Contains('/', StringComparison.Ordinal))
            name = "library/" + name;
        return RepositoryName.Validate(name, "image");
    }

    /// <summary>True when the host is a loopback address, which is reached over plain HTTP like Docker does.</summary>
    public bool IsLoopback
    {
        get
        {
            var host = HostWithoutPort(ApiHost);
            return host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
        }
    }

    public static RegistrySpec Parse(string? value, string parameter = "registry")
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Contains("://", StringComparison.Ordinal))
            text = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        text = text.TrimEnd('/');
        if (text.Length == 0)
            throw new PipelineException($"The {parameter} is empty; give host[:port][/path-prefix], e.g. registry.example.com/dev.");
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var host = (slash < 0 ? text : text[..slash]).ToLowerInvariant();
        var prefix = slash < 0 ? null : text[(slash + 1)..];
        if (!IsValidHost(host))
            throw new PipelineException($"The {parameter} '{value}' does not start with a valid host[:port].");
        if (prefix is not null && !RepositoryName.IsValid(prefix))
            throw new PipelineException($"The path prefix '{prefix}' of the {parameter} '{value}' is not a valid repository path (lowercase letters, digits, . _ - /).");
        return new RegistrySpec(host, prefix);
    }

    static RegistrySpec IParsable<RegistrySpec>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<RegistrySpec>.TryParse(string? s, IFormatProvider? provider, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out RegistrySpec result)
    {
        try
        {
            result = Parse(s);
            return true;
        }
        catch (PipelineException)
        {
            result = null;
            return false;
        }
    }

    public override string ToString() => PathPrefix is null ? Host : $"{Host}/{PathPrefix}";

    internal static bool IsValidHost(string host)
    {
        if (host.Length == 0)
            return false;
        var name = host;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                return false;
            name = host[..(close + 1)];
            var rest = host[(close + 1)..];
            return IPAddress.TryParse(name.Trim('[', ']'), out _) && (rest.Length == 0 || (rest[0] == ':' && IsPort(rest[1..])));
        }
        var colon = host.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!IsPort(host[(colon + 1)..]))
                return false;
            name = host[..colon];
        }
        return Uri.CheckHostName(name) is UriHostNameType.Dns or UriHostNameType.IPv4;
    }

    static bool IsPort(string text) => int.TryParse(text, out var port) && port is > 0 and < 65536;

    internal static string HostWithoutPort(string host)
    {
        if (host.StartsWith('['))
            return host[..(host.IndexOf(']', StringComparison.Ordinal) + 1)];
        var colon = host.LastIndexOf(':');
        return colon < 0 ? host : host[..colon];
    }
}
