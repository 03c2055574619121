using System.Diagnostics;

namespace KanikoBuild.Registry;

/// <summary>
/// Copies an image by digest from one repository to another (across registries, or across prefixes of one
/// registry, where blobs are mounted) and tags it there. Order is what makes it safe: tags are checked first,
/// then every blob, then the platforms' manifests and the top manifest by digest, whose digest the destination
/// must confirm; only then are tags written. A failure before that leaves no tag on an incomplete image, and
/// running it again finishes the job.
/// </summary>
public sealed class Promoter
{
    static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(2);

    readonly RegistryClient _source;
    readonly RegistryClient _destination;
    readonly Serilog.ILogger _logger;
    readonly TimeProvider _time;

    public Promoter(RegistryClient source, RegistryClient destination, Serilog.ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _source = source;
        _destination = destination;
        _logger = (logger ?? Serilog.Log.Logger).ForContext<Promoter>();
        _time = timeProvider ?? TimeProvider.System;
    }

    public async Task<PromotionResult> PromoteAsync(PromotionRequest request, IProgress<PromotionProgress>? progress = null, CancellationToken ct = default)
    {
        try
        {
            return await PromoteCoreAsync(request, progress, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && RetryPolicies.Find<PipelineException>(e) is null)
        {
            throw new PipelineException($"Promoting {request.SourceRepository}@{request.Digest} to {_destination.Registry.Host}/{request.DestinationRepository} failed: {e.GetBaseException().Message}. No tag points to an incomplete image; run Promote again to finish (blobs already copied are kept).", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new PipelineException($"Promoting {request.SourceRepository}@{request.Digest} to {_destination.Registry.Host}/{request.DestinationRepository} failed: a registry did not answer in time. No tag points to an incomplete image; run Promote again to finish.", e);
        }
    }

    async Task<PromotionResult> PromoteCoreAsync(PromotionRequest request, IProgress<PromotionProgress>? progress, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var sourceRepository = RepositoryName.Validate(request.SourceRepository, "source repository");
        var destinationRepository = RepositoryName.Validate(request.DestinationRepository, "destination repository");
        var digest = Digest.Parse(request.Digest, "image digest");
        var tags = request.Tags.Select(RepositoryName.ValidateTag).Distinct(StringComparer.Ordinal).ToList();
        var parallelism = Math.Clamp(request.Parallelism, 1, 32);
        var sourceName = $"{_source.Registry.Host}/{sourceRepository}@{digest}";
        var destinationName = $"{_destination.Registry.Host}/{destinationRepository}";

        await Task.WhenAll(_source.PingAsync(ct), _destination.PingAsync(ct)).ConfigureAwait(false);
        _source.RequireScope(sourceRepository, push: false);
        _destination.RequireScope(destinationRepository, push: true);
        var copier = new BlobCopier(_source, sourceRepository, _destination, destinationRepository);
        if (copier.SameRegistry)
            _destination.RequireScope(sourceRepository, push: false);

        // Before anything is copied: a protected tag stops the promotion while nothing has changed.
        await CheckTagsAsync(destinationRepository, digest, tags, request.OverwriteTags, ct).ConfigureAwait(false);

        var sourceTask = ResolveAsync(sourceRepository, digest, ct);
        var presentTask = _destination.GetManifestDigestAsync(destinationRepository, digest, ct);
        var (top, children) = await sourceTask.ConfigureAwait(false);
        var manifestWasPresent = await presentTask.ConfigureAwait(false) == digest;
        var images = children.Count == 0 ? [top] : children.Where(m => !m.IsIndex).ToList();
        var blobs = images.SelectMany(m => m.Blobs)
            .Where(b => !IsForeign(b))
            .GroupBy(b => b.Digest, StringComparer.Ordinal).Select(g => g.First())
            .OrderByDescending(b => b.Size)
            .ToList();
        var bytesTotal = blobs.Sum(b => b.Size);

        var counts = new int[3];
        long bytesDone = 0;
        var blobsDone = 0;
        if (manifestWasPresent)
        {
            _logger.Information("{Destination}@{Digest} is there already (an earlier promotion); only tags remain", destinationName, Digest.Short(digest));
        }
        else
        {
            _logger.Information("Promoting {Source} to {Destination}: {Manifests} manifest(s), {Blobs} blobs, {Size}{How}",
                sourceName, destinationName, children.Count + 1, blobs.Count, FormatBytes(bytesTotal), copier.SameRegistry ? " (same registry: mounting)" : "");
            var lastReport = started;
            var gate = new object();
            void Report(bool force)
            {
                var now = _time.GetTimestamp();
                lock (gate)
                {
                    if (!force && _time.GetElapsedTime(lastReport, now) < s_progressInterval)
                        return;
                    lastReport = now;
                }
                var snapshot = new PromotionProgress(Volatile.Read(ref blobsDone), blobs.Count, Interlocked.Read(ref bytesDone), bytesTotal, _time.GetElapsedTime(started, now));
                progress?.Report(snapshot);
                if (!force)
                    _logger.Information("Copied {Done}/{Total} blobs, {Bytes} of {TotalBytes}", snapshot.BlobsDone, snapshot.BlobsTotal, FormatBytes(snapshot.BytesDone), FormatBytes(bytesTotal));
            }

            await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (blob, t) =>
            {
                var outcome = await copier.CopyAsync(blob, n =>
                {
                    Interlocked.Add(ref bytesDone, n);
                    Report(force: false);
                }, t).ConfigureAwait(false);
                Interlocked.Increment(ref counts[(int)outcome]);
                Interlocked.Increment(ref blobsDone);
                Report(force: false);
            }).ConfigureAwait(false);
            Report(force: true);

            // Platforms' manifests first (an index may only reference manifests that exist), then the top one, all by digest: untagged.
            await Parallel.ForEachAsync(children.Where(c => !c.IsIndex), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
                async (child, t) => await _destination.PutManifestAsync(destinationRepository, child.Digest, child, t).ConfigureAwait(false)).ConfigureAwait(false);
            foreach (var nested in children.Where(c => c.IsIndex))
                await _destination.PutManifestAsync(destinationRepository, nested.Digest, nested, ct).ConfigureAwait(false);
            var pushed = await _destination.PutManifestAsync(destinationRepository, digest, top, ct).ConfigureAwait(false);
            if (pushed != digest)
                throw new BlobDigestMismatchException($"{destinationName} stored the manifest as {pushed}, not {digest}; no tag was set.");
        }

        // The image is complete in the destination. Tags may have moved meanwhile: check again, then tag.
        var tagsNow = await CheckTagsAsync(destinationRepository, digest, tags, request.OverwriteTags, ct).ConfigureAwait(false);
        var applied = new List<string>();
        foreach (var tag in tags.Where(t => tagsNow[t] != digest))
        {
            if (tagsNow[tag] is { } previous)
                _logger.Warning("Moving the tag {Destination}:{Tag} from {Previous} to {Digest} (--overwrite-tags)", destinationName, tag, Digest.Short(previous), Digest.Short(digest));
            var tagged = await _destination.PutManifestAsync(destinationRepository, tag, top, ct).ConfigureAwait(false);
            if (tagged != digest)
                throw new BlobDigestMismatchException($"{destinationName}:{tag} was stored as {tagged}, not {digest}.");
            applied.Add(tag);
        }

        var result = new PromotionResult
        {
            Digest = digest,
            MediaType = top.MediaType,
            Destination = $"{destinationName}@{digest}",
            Manifests = children.Count + 1,
            BlobsTotal = blobs.Count,
            BlobsUploaded = counts[(int)BlobOutcome.Uploaded],
            BlobsMounted = counts[(int)BlobOutcome.Mounted],
            BlobsAlreadyPresent = manifestWasPresent ? blobs.Count : counts[(int)BlobOutcome.AlreadyPresent],
            BytesUploaded = manifestWasPresent ? 0 : Interlocked.Read(ref bytesDone),
            BytesTotal = bytesTotal,
            ManifestWasPresent = manifestWasPresent,
            TagsApplied = applied,
            TagsAlreadyInPlace = tags.Where(t => tagsNow[t] == digest).ToList(),
            Duration = _time.GetElapsedTime(started),
        };
        _logger.Information("Promoted {Destination} in {Seconds:0.00} s: {Uploaded} blobs uploaded ({Bytes}), {Mounted} mounted, {Present} already there; tags {Tags}",
            result.Destination, result.Duration.TotalSeconds, result.BlobsUploaded, FormatBytes(result.BytesUploaded), result.BlobsMounted, result.BlobsAlreadyPresent,
            tags.Count == 0 ? "none (pass --tag or --promote-tags to tag it)" : string.Join(", ", tags));
        return result;
    }

    /// <summary>Each tag's current digest (null when unset). Throws, naming every conflict, when a tag points elsewhere and overwriting is off.</summary>
    async Task<Dictionary<string, string?>> CheckTagsAsync(string repository, string digest, IReadOnlyList<string> tags, bool overwrite, CancellationToken ct)
    {
        var current = await Task.WhenAll(tags.Select(async tag => (tag, digest: await _destination.GetManifestDigestAsync(repository, tag, ct).ConfigureAwait(false)))).ConfigureAwait(false);
        var conflicts = current.Where(c => c.digest is not null && c.digest != digest).ToList();
        if (conflicts.Count > 0 && !overwrite)
        {
            var list = string.Join(", ", conflicts.Select(c => $"{c.tag} → {c.digest}"));
            throw new PipelineException($"Tags in {_destination.Registry.Host}/{repository} already point to other images ({list}), not to {digest}; no tag was moved. Pass --overwrite-tags to move them, or promote under new tags.");
        }
        return current.ToDictionary(c => c.tag, c => c.digest, StringComparer.Ordinal);
    }

    /// <summary>The manifest and, for an index, every manifest below it (children before parents), each checked against its digest.</summary>
    async Task<(RegistryManifest Top, IReadOnlyList<RegistryManifest> Children)> ResolveAsync(string repository, string digest, CancellationToken ct)
    {
        var top = await _source.GetManifestAsync(repository, digest, ct).ConfigureAwait(false);
        var children = new List<RegistryManifest>();
        async Task Descend(RegistryManifest index, int depth)
        {
            if (depth > 4)
                throw new PipelineException($"The index {digest} nests indexes more than 4 deep.");
            var fetched = await Task.WhenAll(index.Manifests.Select(m => _source.GetManifestAsync(repository, m.Digest, ct))).ConfigureAwait(false);
            foreach (var child in fetched)
            {
                if (child.IsIndex)
                    await Descend(child, depth + 1).ConfigureAwait(false);
                children.Add(child);
            }
        }
        if (top.IsIndex)
            await Descend(top, 1).ConfigureAwait(false);
        return (top, children);
    }

    // Foreign (non-distributable) layers live at their URLs, and registries refuse to store them.
    static bool IsForeign(Descriptor blob) => blob.Urls.Count > 0 && (blob.MediaType.Contains("foreign", StringComparison.Ordinal) || blob.MediaType.Contains("nondistributable", StringComparison.Ordinal));

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
