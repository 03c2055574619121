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

/// <summary>What AwaitScan found: the Console's entry for the image (handed on to the verdict) and the wait's cost.</summary>
public sealed record AwaitScanOutcome(RegistryScanEntry Entry, ScanVerdict Verdict, ScanWaitResult Wait);

/// <summary>AwaitScan end to end: parameters checked, scan triggered and awaited, verdict applied.</summary>
public static class AwaitScanCommand
{
    /// <summary>Waits for the result and applies the verdict; throws <see cref="PipelineException"/> when it fails.</summary>
    public static async Task<AwaitScanOutcome> RunAsync(AwaitScanArguments arguments, CancellationToken ct,
        TimeProvider? time = null, ILogger? log = null, HttpMessageHandler? transport = null, Func<ComputeClientOptions, ComputeClientOptions>? tune = null)
    {
        log ??= Log.Logger;
        var wait = await WaitForResultAsync(arguments, ct, time, log, transport, tune).ConfigureAwait(false);
        var image = $"{wait.Entry.DisplayName}@{arguments.ImageDigest}";
        // The one call to replace when the policy of issue 6 lands.
        var verdict = ProvisionalVerdict.Evaluate(wait.Entry);
        log.Information("Console verdict for {Image}: {Summary}", image, verdict.Summary);
        if (!verdict.Passed)
            throw new PipelineException($"The Console's scan of {image} fails the policy: {verdict.Summary} (no critical or high allowed).");
        return new AwaitScanOutcome(wait.Entry, verdict, wait);
    }

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

        using var client = new ComputeClient(options, time, log, transport);
        return await new ScanWaiter(client, time, log).WaitAsync(request, ct).ConfigureAwait(false);
    }
}
