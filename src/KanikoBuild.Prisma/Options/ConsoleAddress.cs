using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Serilog;

namespace KanikoBuild.Prisma;

/// <summary>What a Console URL must be before anything talks to it: the one check of <c>--console-url</c>.</summary>
public static class ConsoleAddress
{
    // Console URLs already warned about, per logger: a run checks the URL once per Console connection (ScanBuild,
    // AwaitScan, the Sandbox's four runs), and the same warning four times is noise. A run has one logger, so this is
    // once per run and URL. Weak keys: a test's logger does not outlive the test.
    static readonly ConditionalWeakTable<ILogger, ConcurrentDictionary<string, byte>> s_plainHttpWarned = new();

    static ParameterName Name => ParameterName.Of<ConsoleOptions>(nameof(ConsoleOptions.Url));

    /// <summary>https, or plain http with a warning, once per run (tests, on-premise installs behind a proxy).</summary>
    public static Uri Check(Uri url, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http") || string.IsNullOrEmpty(url.Host))
            throw new PipelineException($"{Name} '{Shown(url)}' is not an http(s) URL, e.g. https://console.example.com:8083 or https://us-west1.cloud.twistlock.com/us-3-123456789.");
        if (!string.IsNullOrEmpty(url.UserInfo))
            throw new PipelineException($"{Name} must not carry credentials; use {ParameterName.Of<ConsoleOptions>(nameof(ConsoleOptions.User))} and {ParameterName.Of<ConsoleOptions>(nameof(ConsoleOptions.Password))}.");
        var logger = log ?? Log.Logger;
        if (url.Scheme == "http" && s_plainHttpWarned.GetOrCreateValue(logger).TryAdd(url.AbsoluteUri, 0))
            logger.Warning("{Switch} {Url} is plain http: the token and results travel unencrypted. Use https outside tests.", Name.Switch, url);
        // Validates the shape (no query, a valid pinned version) now rather than at the first request.
        ConsoleEndpoint.Create(url);
        return url;
    }

    /// <summary>The URL as twistcli's <c>--address</c> takes it: scheme, host, port and path prefix, no trailing slash.</summary>
    public static string ForTwistcli(Uri url) => url.GetLeftPart(UriPartial.Path).TrimEnd('/');

    // Never the user info, which the message above refuses without repeating.
    static string Shown(Uri url) => url.IsAbsoluteUri && !string.IsNullOrEmpty(url.UserInfo) ? url.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped) : url.OriginalString;
}
