using KanikoBuild.Prisma.Api;
using KanikoBuild.Prisma.Results;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Prisma.Waiting;

/// <summary>
/// AwaitScan's wait: triggers the on-demand registry scan, then polls until the Console holds a result for
/// exactly the pushed image: its manifest digest in <c>repoDigests</c>/<c>repoTag.digest</c>, or its image id
/// equal to the config digest, scanned after the push. The tag's result for an older image never counts: that
/// is the stale verdict hand-written curl loops read. Bounded by the request's timeout; transient Console
/// failures are ridden out until then. Permission and credential errors, and a Console that has not answered once
/// since the start (<see cref="ComputeApiException.IsTransient"/> false), end the wait at once.
/// </summary>
public sealed class ScanWaiter(ComputeClient client, TimeProvider? time = null, ILogger? log = null, PollSchedule? schedule = null)
{
    static readonly TimeSpan s_heartbeat = TimeSpan.FromSeconds(30);

    readonly TimeProvider _time = time ?? TimeProvider.System;
    readonly ILogger _log = log ?? Log.Logger;
    readonly PollSchedule _schedule = schedule ?? PollSchedule.Default;

    public async Task<ScanWaitResult> WaitAsync(ScanWaitRequest request, CancellationToken ct)
    {
        request.Validate();
        var started = _time.GetUtcNow();
        var requestsAtStart = client.RequestsSent;
        using var deadline = new CancellationTokenSource(request.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var token = linked.Token;
        var image = $"{request.ImageName}@{Short(request.ManifestDigest)}";
        // Without a push time, only a scan this wait started counts (an older scan of the same bytes may predate feed updates).
        var notBefore = request.PushedAt ?? (request.TriggerScan ? started : null);
        var state = "no result yet";
        var lastLogged = (State: string.Empty, At: DateTimeOffset.MinValue);
        var triggered = !request.TriggerScan;
        var polls = 0;
        (DateTimeOffset Since, string Message)? outage = null;

        _log.Information("Waiting up to {Timeout} for the Console's scan of {Image} (full digest {Digest})", request.Timeout, image, request.ManifestDigest);
        try
        {
            while (true)
            {
                polls++;
                try
                {
                    if (!triggered)
                    {
                        await client.TriggerRegistryScanAsync(new ImageTagRequest(request.RegistryHost, request.ConsoleRepository, request.Tag, request.ManifestDigest), token);
                        triggered = true;
                        _log.Information("Asked the Console for an on-demand scan of {Image}", image);
                    }

                    var entries = (await client.GetRegistryResultsAsync(new RegistryQuery(Name: request.ImageName), token, maxPages: 4)).ToList();
                    // The tag may have moved on to a newer push meanwhile; the image id still finds this image.
                    var tagShowsAnotherImage = entries.Any(e => e.RepoTag?.Tag == request.Tag && !e.ManifestDigests.Contains(request.ManifestDigest));
                    if (request.ConfigDigest is not null && tagShowsAnotherImage && polls % 5 == 0)
                        entries.AddRange(await client.GetRegistryResultsAsync(new RegistryQuery(ImageId: request.ConfigDigest.Value), token, maxPages: 2));

                    var (match, observation) = Examine(entries, request, notBefore);
                    if (match is not null)
                    {
                        if (match.Error is not null)
                            throw new PipelineException($"The Console could not scan {image}: {match.Error}. Check that its Defender can pull from {request.RegistryHost}.");
                        var waited = _time.GetUtcNow() - started;
                        var requests = client.RequestsSent - requestsAtStart;
                        _log.Information("The Console scanned {Image} at {ScanTime:O}: found after {Waited:0.0} s, {Polls} polls, {Requests} requests",
                            image, match.ScanTime, waited.TotalSeconds, polls, requests);
                        return new ScanWaitResult(match, waited, polls, requests);
                    }
                    state = observation;
                    outage = null;

                    if (request.TriggerScan && polls % 3 == 0)
                        state += "; " + await DescribeProgressAsync(request, image, token);
                }
                catch (ComputeApiException e) when (e.IsTransient && !token.IsCancellationRequested)
                {
                    state = $"the last poll failed ({e.Message})";
                    outage = (outage?.Since ?? _time.GetUtcNow(), e.Message);
                    _log.Warning("Polling the Console failed; polling on until {Deadline:HH:mm:ss}: {Message}", started + request.Timeout, e.Message);
                }

                var now = _time.GetUtcNow();
                if (state != lastLogged.State || now - lastLogged.At >= s_heartbeat)
                {
                    _log.Information("Waiting for the scan of {Image}: {State} ({Elapsed:0} s of {Timeout:0} s, {Requests} requests)",
                        image, state, (now - started).TotalSeconds, request.Timeout.TotalSeconds, client.RequestsSent - requestsAtStart);
                    lastLogged = (state, now);
                }
                await Task.Delay(_schedule.IntervalAfter(now - started), _time, token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // Blaming the scan scope for a Console that stopped answering sends people to the wrong screen.
            if (outage is { } down)
            {
                throw new PipelineException($"No Console scan result for {image} within {request.Timeout}: the Console at {client.Endpoint.ConsoleUrl} has given no usable answer since " +
                    $"{down.Since:HH:mm:ss} ({down.Message}). Check the Console's health, then run AwaitScan again (with {ParameterName.Of<ImageOptions>(nameof(ImageOptions.Digest))} {request.ManifestDigest}).");
            }
            var hint = request.TriggerScan
                ? $"Check that {request.RegistryHost} is in the Console's registry-scanning scope and that a Defender can pull from it, or raise {ParameterName.Of<ScanWaitOptions>(nameof(ScanWaitOptions.ScanTimeout))} for a large image."
                : $"{ParameterName.Of<ScanWaitOptions>(nameof(ScanWaitOptions.TriggerScan))} is false: check that a registry webhook or a scheduled scan covers {request.RegistryHost}, or let AwaitScan trigger the scan.";
            throw new PipelineException($"No Console scan result for {image} within {request.Timeout}. Last state: {state}. {hint}");
        }
    }

    /// <summary>The newest entry for exactly this image, or what was seen instead (for the progress line).</summary>
    internal static (RegistryScanEntry? Match, string Observation) Examine(IReadOnlyList<RegistryScanEntry> entries, ScanWaitRequest request, DateTimeOffset? notBefore)
    {
        string? observation = null;
        RegistryScanEntry? match = null;
        foreach (var entry in entries)
        {
            var sameImage = entry.ManifestDigests.Contains(request.ManifestDigest)
                || (request.ConfigDigest is { } config && string.Equals(entry.ImageId, config, StringComparison.OrdinalIgnoreCase));
            if (!sameImage)
            {
                if (string.Equals(entry.RepoTag?.Tag, request.Tag, StringComparison.Ordinal))
                    observation ??= $"the tag's result is of another image ({Short(entry.ManifestDigests.FirstOrDefault() ?? entry.ImageId)}, scanned {Time(entry.ScanTime)}), not counted";
                continue;
            }
            if (notBefore is { } limit && (entry.ScanTime is null || entry.ScanTime < limit - request.ClockSkew))
            {
                observation = $"a result for this digest was scanned {Time(entry.ScanTime)}, before {Time(limit)}: waiting for a fresh scan";
                continue;
            }
            if (match is null || entry.ScanTime > match.ScanTime)
                match = entry;
        }
        return (match, observation ?? "no result for the image yet");
    }

    async Task<string> DescribeProgressAsync(ScanWaitRequest request, string image, CancellationToken ct)
    {
        var progress = await client.GetRegistryProgressAsync(request.RegistryHost, request.ConsoleRepository, request.Tag, request.ManifestDigest, ct);
        if (progress.FirstOrDefault(p => p.Error is not null) is { } failed)
            throw new PipelineException($"The Console's scan of {image} failed: {failed.Error}. Check that its Defender can pull from {request.RegistryHost}.");
        // [] is "nothing running": finished (the result is on its way) or not started yet (prisma.md §2.5).
        return progress.Count == 0
            ? "no scan running"
            : $"scan running ({progress.Sum(p => p.Scanned)}/{progress.Sum(p => p.Total)} images)";
    }

    static string Short(string? digest) => digest is null ? "(none)" : digest.Length > 19 ? digest[..19] + "…" : digest;

    static string Time(DateTimeOffset? time) => time is { } t ? t.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : "at an unknown time";
}
