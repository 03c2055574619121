namespace KanikoBuild.ConsoleSimulator.Scanning;

/// <summary>
/// Runs on-demand registry scans the way a Defender does: after the scenario's scan duration it really pulls
/// the image, reads its packages and stores a result, replacing the tag's previous one.
/// </summary>
internal sealed class RegistryScanner(SimulatorState state, SimulatorLog log, HttpClient http, CancellationToken stopping)
{
    readonly RegistryImageReader _reader = new(http);

    public ScanJob Start(string registry, string repo, string? tag, string? digest, bool onDemand)
    {
        var job = new ScanJob
        {
            ScanId = state.NextScanId(),
            Registry = registry,
            Repo = repo,
            Tag = string.IsNullOrEmpty(tag) ? null : tag,
            Digest = string.IsNullOrEmpty(digest) ? null : digest,
            StartedAt = state.Now,
            OnDemand = onDemand,
        };
        state.AddJob(job);
        _ = Task.Run(() => RunAsync(job));
        return job;
    }

    async Task RunAsync(ScanJob job)
    {
        var reference = job.Digest ?? job.Tag!;
        try
        {
            if (state.Options.ScanDuration > TimeSpan.Zero)
                await Task.Delay(state.Options.ScanDuration, state.Options.TimeProvider, stopping);
            job.Pulling = true;
            var image = await _reader.PullAsync(job.Registry, job.Repo, reference, stopping);
            var feed = VulnerabilityFeed.Load(state.Options.FeedPath);
            var findings = feed.Evaluate(image.Contents.Packages);
            var result = ScanResultWriter.RegistryResult(image, job.Registry, job.Repo, job.Tag, findings, state.Options.Fields,
                state.Now, job.ScanId, state.Options.ConsoleVersion);
            state.UpsertRegistryResult(result);
            state.RemoveJob(job);
            job.Pulling = false;
            log.Write($"registry scan {job.ScanId} of {job.Registry}/{job.Repo}:{job.Tag ?? "-"} done: {image.ManifestDigest}, " +
                $"{image.Contents.Packages.Count} packages, {findings.Count} vulnerabilities");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or System.Text.Json.JsonException or IOException or KeyNotFoundException or InvalidOperationException)
        {
            // A failed scan stays visible in the progress list, as the Console shows it under Monitor.
            job.Error = e.Message;
            job.Pulling = false;
            log.Write($"registry scan {job.ScanId} of {job.Registry}/{job.Repo}@{reference} failed: {e.Message}");
        }
    }
}
