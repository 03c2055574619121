using System.Text.RegularExpressions;

namespace KanikoBuild.Prisma;

/// <summary>
/// Where the Compute API lives: the Console URL with its SaaS path prefix kept (<c>https://host/us-3-123</c>)
/// plus <c>/api/v1</c> or a pinned version (<c>/api/v34.04</c>). Joined by hand: <c>new Uri(base, "api/…")</c>
/// would drop the prefix's last segment (prisma.md §2.1).
/// </summary>
public sealed partial record ConsoleEndpoint
{
    [GeneratedRegex(@"^v?(?<version>1|\d{2}\.\d{2})$")]
    private static partial Regex Version();

    [GeneratedRegex(@"/api/v(?<version>1|\d{2}\.\d{2})/?$")]
    private static partial Regex TrailingApiPath();

    ConsoleEndpoint(Uri consoleUrl, string apiVersion)
    {
        ConsoleUrl = consoleUrl;
        ApiVersion = apiVersion;
    }

    /// <summary>The Console URL without a trailing slash, prefix kept.</summary>
    public Uri ConsoleUrl { get; }

    /// <summary><c>1</c> (latest) or <c>major.minor</c>.</summary>
    public string ApiVersion { get; }

    /// <summary><c>{console}/api/v{version}</c>, without a trailing slash (Refit appends <c>/route</c>).</summary>
    public Uri ApiBase => new($"{ConsoleUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/api/v{ApiVersion}");

    /// <param name="apiVersion">null or "1" for <c>/api/v1</c>; "34.04" or "v34.04" to pin. A Console URL that
    /// already ends in <c>/api/vX.Y</c> pins that version.</param>
    public static ConsoleEndpoint Create(Uri consoleUrl, string? apiVersion = null)
    {
        if (!consoleUrl.IsAbsoluteUri || consoleUrl.Scheme is not ("https" or "http"))
            throw new PipelineException($"The Console URL '{consoleUrl}' is not an http(s) URL; pass the Console address, e.g. https://console.example.com:8083 or the SaaS 'Path to Console'.");
        if (!string.IsNullOrEmpty(consoleUrl.Query) || !string.IsNullOrEmpty(consoleUrl.Fragment))
            throw new PipelineException($"The Console URL '{consoleUrl}' has a query or fragment; pass only the scheme, host, port and path prefix.");
        var path = consoleUrl.AbsolutePath.TrimEnd('/');
        var trailing = TrailingApiPath().Match(path + "/");
        if (trailing.Success)
        {
            apiVersion ??= trailing.Groups["version"].Value;
            path = path[..trailing.Index];
        }
        if (path.Split('/').Contains("api", StringComparer.OrdinalIgnoreCase))
            throw new PipelineException($"The Console URL '{consoleUrl}' contains an API path; pass the Console address (with the SaaS prefix, if any), optionally ending in /api/v1 or /api/vMAJOR.MINOR.");
        var version = "1";
        if (!string.IsNullOrWhiteSpace(apiVersion))
        {
            var match = Version().Match(apiVersion.Trim());
            if (!match.Success)
                throw new PipelineException($"The Compute API version '{apiVersion}' is not valid; use 1 or major.minor such as 34.04.");
            version = match.Groups["version"].Value;
        }
        var builder = new UriBuilder(consoleUrl) { Path = path, Query = string.Empty, Fragment = string.Empty };
        return new ConsoleEndpoint(builder.Uri, version);
    }

    /// <summary>The URL of an API route, for messages and downloads: <c>{ApiBase}/{route}</c>.</summary>
    public Uri Route(string route) => new($"{ApiBase}/{route.TrimStart('/')}");

    public override string ToString() => ApiBase.ToString();
}
