using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Serilog;

namespace KanikoBuild.Prisma.Parameters;

/// <summary>Parsing of the Compute parameters, each failure one clear message naming the parameter.</summary>
public static class ScanParameters
{
    public static readonly TimeSpan DefaultScanTimeout = TimeSpan.FromMinutes(10);

    // Console URLs already warned about, per logger. Each Console connection of a run parses --console-url again
    // (ScanBuild, AwaitScan, the Sandbox's four runs), and the same warning four times is noise; a run has one
    // logger, so this is once per run and URL. Weak keys: a test's logger does not outlive the test.
    static readonly ConditionalWeakTable<ILogger, ConcurrentDictionary<string, byte>> s_plainHttpWarned = new();

    /// <summary><c>--scan-timeout</c>: seconds (<c>600</c>, <c>90.5</c>) or a .NET TimeSpan (<c>00:10:00</c>, <c>1.00:00:00</c>).</summary>
    public static TimeSpan ParseScanTimeout(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return DefaultScanTimeout;
        var text = value.Trim();
        TimeSpan timeout;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && !text.Contains(':'))
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds)
                throw new PipelineException($"--scan-timeout '{value}' is not a usable number of seconds.");
            timeout = TimeSpan.FromSeconds(seconds);
        }
        else if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out timeout))
        {
            throw new PipelineException($"--scan-timeout '{value}' is neither seconds (600) nor a TimeSpan (00:10:00).");
        }
        if (timeout <= TimeSpan.Zero)
            throw new PipelineException($"--scan-timeout '{value}' must be positive.");
        return timeout;
    }

    /// <summary><c>--console-url</c>: https, or plain http with a warning, once per run (tests, on-premise installs behind a proxy).</summary>
    public static Uri ParseConsoleUrl(string? value, ILogger? log = null)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new PipelineException("--console-url is required: the Console address, or on SaaS the 'Path to Console' (Compute > Manage > System > Utilities).");
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
            throw new PipelineException($"--console-url '{value}' is not an http(s) URL, e.g. https://console.example.com:8083 or https://us-west1.cloud.twistlock.com/us-3-123456789.");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new PipelineException("--console-url must not carry credentials; use --console-user and --console-password.");
        var logger = log ?? Log.Logger;
        if (uri.Scheme == "http" && s_plainHttpWarned.GetOrCreateValue(logger).TryAdd(uri.AbsoluteUri, 0))
            logger.Warning("--console-url {Url} is plain http: the token and results travel unencrypted. Use https outside tests.", uri);
        // Validates the shape (no query, a valid pinned version) now rather than at the first request.
        ConsoleEndpoint.Create(uri);
        return uri;
    }

    /// <summary>A required text parameter.</summary>
    public static string Require(string? value, string parameter, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new PipelineException($"{parameter} is required: {what}.") : value.Trim();
}
