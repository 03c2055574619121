using System.Net;
using System.Text.RegularExpressions;

namespace KanikoBuild.Kaniko;

/// <summary>
/// What kaniko's exit line says went wrong with a registry, read from the wording of kaniko and
/// go-containerregistry: Go's dial and lookup errors (<c>dial tcp 127.0.0.1:5000: connect: connection refused</c>,
/// <c>dial tcp: lookup r.example.com on 10.0.0.2:53: no such host</c>), TLS errors (<c>x509: …</c>, <c>http: server gave
/// HTTP response to HTTPS client</c>), and the distribution API's error codes (<c>UNAUTHORIZED</c>, <c>DENIED</c>,
/// <c>MANIFEST_UNKNOWN</c>, <c>NAME_UNKNOWN</c>). The first match in this order wins: kaniko wraps every
/// push-permission failure in "make sure … you are authenticated correctly", whatever the real cause.
/// </summary>
internal sealed partial record RegistryCause(KanikoFailureKind Kind, string Detail, string? Registry, string? Image, bool PlainHttpRegistry = false)
{
    public static RegistryCause? From(string line)
    {
        if (Tls().Match(line) is { Success: true } tls)
            return new(KanikoFailureKind.RegistryTls, tls.Value.Trim(), HostBefore(line, tls.Index), null, tls.Value.Contains("HTTP response to HTTPS", StringComparison.Ordinal));
        if (Lookup().Match(line) is { Success: true } lookup)
            return new(KanikoFailureKind.RegistryDns, lookup.Groups["why"].Value.Trim(), lookup.Groups["host"].Value, null);
        if (Unreachable().Match(line) is { Success: true } unreachable)
            return new(KanikoFailureKind.RegistryUnreachable, unreachable.Value.Trim(), HostBefore(line, unreachable.Index), null);
        if (Refused().Match(line) is { Success: true } refused)
            return new(KanikoFailureKind.PushRefused, refused.Value.Trim(), HostBefore(line, refused.Index), ImageIn(line));
        if (Missing().Match(line) is { Success: true } missing)
            return new(KanikoFailureKind.ImageNotFound, missing.Value.Trim(), HostBefore(line, missing.Index), ImageIn(line));
        return null;
    }

    /// <summary>Loopback registries (127.0.0.0/8, ::1, localhost) are this machine's only when the executor shares its network.</summary>
    public bool IsLoopback
    {
        get
        {
            if (Registry is null)
                return false;
            var host = Registry.StartsWith('[') ? Registry[1..Registry.IndexOf(']', StringComparison.Ordinal)] : Registry.Split(':')[0];
            return host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        }
    }

    /// <summary>The registry a cause is about: the last URL before it, else Go's dial address, else kaniko's own wording.</summary>
    static string? HostBefore(string line, int index)
    {
        var before = line[..index];
        var urls = Url().Matches(before);
        if (urls.Count > 0)
            return urls[^1].Groups["host"].Value;
        var dials = Dial().Matches(before);
        if (dials.Count > 0)
            return dials[^1].Groups["host"].Value;
        if (Named().Match(line) is { Success: true } named)
            return named.Groups["host"].Value;
        return Url().Match(line) is { Success: true } after ? after.Groups["host"].Value : null;
    }

    /// <summary><c>GET https://host/v2/team/app/manifests/1.0</c> → <c>host/team/app:1.0</c>.</summary>
    static string? ImageIn(string line) =>
        ManifestUrl().Match(line) is { Success: true } m
            ? $"{m.Groups["host"].Value}/{m.Groups["repo"].Value}{(m.Groups["ref"].Value.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":")}{m.Groups["ref"].Value}"
            : null;

    [GeneratedRegex(@"x509: [^;]+|tls: [^;]+|http: server gave HTTP response to HTTPS client|remote error: tls: [^;]+")]
    private static partial Regex Tls();

    [GeneratedRegex(@"lookup (?<host>[^\s:;""]+)(?: on [^\s;]+)?: (?<why>no such host|server misbehaving|Temporary failure in name resolution|i/o timeout|[^;]*?no such host)")]
    private static partial Regex Lookup();

    [GeneratedRegex(@"connect: connection refused|connection refused|no route to host|network is unreachable|i/o timeout|context deadline exceeded|Client\.Timeout exceeded[^;]*|connection reset by peer|TLS handshake timeout")]
    private static partial Regex Unreachable();

    [GeneratedRegex(@"\bUNAUTHORIZED\b[^;]*|\bDENIED\b[^;]*|401 Unauthorized|403 Forbidden|status code 40[13]\b[^;]*")]
    private static partial Regex Refused();

    [GeneratedRegex(@"\bMANIFEST_UNKNOWN\b[^;]*|\bNAME_UNKNOWN\b[^;]*|\bBLOB_UNKNOWN\b[^;]*|status code 404\b[^;]*|404 Not Found")]
    private static partial Regex Missing();

    [GeneratedRegex(@"https?://(?<host>[^/\s""]+)")]
    private static partial Regex Url();

    [GeneratedRegex(@"dial tcp (?<host>\[[^\]]+\]:\d+|[^\s:;]+:\d+)")]
    private static partial Regex Dial();

    [GeneratedRegex(@"(?:push permission for ""|failed to push to destination |transport for )(?<host>[^/\s""]+)")]
    private static partial Regex Named();

    [GeneratedRegex(@"https?://(?<host>[^/\s""]+)/v2/(?<repo>[^\s""]+?)/manifests/(?<ref>[^\s:;""]+(?::[0-9a-f]+)?)")]
    private static partial Regex ManifestUrl();
}
