using KanikoBuild.Prisma.Parameters;
using KanikoBuild.Prisma.Results;
using KanikoBuild.Prisma.Waiting;
using Serilog;

namespace KanikoBuild.Prisma;

/// <summary>The AwaitScan target's parameters, as the build passes them (raw strings, parsed here).</summary>
public sealed record AwaitScanArguments
{
    public string? ConsoleUrl { get; init; }
    public string? ConsoleUser { get; init; }
    public string? ConsolePassword { get; init; }
    public string? ConsoleProject { get; init; }
    public string? ConsoleCaCert { get; init; }
    public string? DevRegistry { get; init; }
    public string? Image { get; init; }
    public string? Tag { get; init; }
    /// <summary>From PushDev, or <c>--image-digest</c>.</summary>
    public string? ImageDigest { get; init; }
    /// <summary>From PushDev when known (the pushed config digest: the Console's image id).</summary>
    public string? ConfigDigest { get; init; }
    /// <summary>From PushDev; null with <c>--image-digest</c> (then only a scan triggered by this wait counts).</summary>
    public DateTimeOffset? PushedAt { get; init; }
    public bool? TriggerScan { get; init; }
    public string? ScanTimeout { get; init; }

    public override string ToString() => $"AwaitScanArguments {{ {DevRegistry}/{Image}:{Tag}@{ImageDigest} }}";
}

/// <summary>
/// AwaitScan's wait from the build's raw parameters: checked, scan triggered, the Console's result for exactly
/// this image returned. Judging it is the verdict's job (<c>KanikoBuild.Scanning</c>), shared with alternative A.
/// </summary>
public static class AwaitScanCommand
{
    /// <summary>Waits for the Console's result for exactly this image, without judging it.</summary>
    public static async Task<ScanWaitResult> WaitForResultAsync(AwaitScanArguments arguments, CancellationToken ct,
        TimeProvider? time = null, ILogger? log = null, HttpMessageHandler? transport = null, Func<ComputeClientOptions, ComputeClientOptions>? tune = null)
    {
        log ??= Log.Logger;
        Secrets.Register(arguments.ConsolePassword);
        var request = new ScanWaitRequest
        {
            DevRegistry = ScanParameters.Require(arguments.DevRegistry, "--dev-registry", "the registry the Console scans, host[:port][/prefix]"),
            Repository = ScanParameters.Require(arguments.Image, "--image", "the image repository, e.g. team/app"),
            Tag = ScanParameters.Require(arguments.Tag, "--tag", "the image tag"),
            ManifestDigest = ScanParameters.Require(arguments.ImageDigest, "--image-digest", "the pushed manifest digest (PushDev records it; pass it for an image pushed earlier)"),
            ConfigDigest = arguments.ConfigDigest,
            PushedAt = arguments.PushedAt,
            TriggerScan = arguments.TriggerScan ?? true,
            Timeout = ScanParameters.ParseScanTimeout(arguments.ScanTimeout),
        };
        request.Validate();
        var options = new ComputeClientOptions
        {
            ConsoleUrl = ScanParameters.ParseConsoleUrl(arguments.ConsoleUrl, log),
            Username = ScanParameters.Require(arguments.ConsoleUser, "--console-user", "a Console user (access key ID on SaaS) whose role may read registry results"),
            Password = ScanParameters.Require(arguments.ConsolePassword, "--console-password", "the Console password (secret key on SaaS)"),
            Project = string.IsNullOrWhiteSpace(arguments.ConsoleProject) ? null : arguments.ConsoleProject,
            CaCertificatePath = string.IsNullOrWhiteSpace(arguments.ConsoleCaCert) ? null : arguments.ConsoleCaCert,
        };
        options = tune?.Invoke(options) ?? options;
        return await WaitAsync(request, options, ct, time, log, transport).ConfigureAwait(false);
    }

    /// <summary>The same wait from values already parsed (the pipeline's preflight parses them before any build).</summary>
    public static async Task<ScanWaitResult> WaitAsync(ScanWaitRequest request, ComputeClientOptions options, CancellationToken ct,
        TimeProvider? time = null, ILogger? log = null, HttpMessageHandler? transport = null)
    {
        request.Validate();
        using var client = new ComputeClient(options, time, log ?? Log.Logger, transport);
        return await new ScanWaiter(client, time, log ?? Log.Logger).WaitAsync(request, ct).ConfigureAwait(false);
    }
}
