namespace KanikoBuild.Registry;

/// <summary>
/// Pushes the bytes twistcli scanned: the tarball's own config and layer blobs and a manifest built from them by
/// digest, to every destination. The order is what makes it safe: for each destination the blobs (skipped when
/// present, mounted within one registry), then the manifest by digest (untagged), then the manifest read back and
/// checked (config digest = the scanned image ID, layers = the tarball's). Only when every destination passed are
/// the tags written. Any failure before that is one error and leaves no tag anywhere; the blobs already uploaded
/// stay, so a rerun finishes quickly.
/// </summary>
public sealed class ScannedImagePusher
{
    readonly Func<RegistrySpec, RegistryClient> _clientFor;
    readonly Serilog.ILogger _logger;

    /// <param name="clientFor">Makes the client (with its login) for one registry; the pusher disposes what it makes.</param>
    public ScannedImagePusher(Func<RegistrySpec, RegistryClient> clientFor, Serilog.ILogger? logger = null)
    {
        _clientFor = clientFor;
        _logger = (logger ?? Serilog.Log.Logger).ForContext<ScannedImagePusher>();
    }

    sealed record Target(ImageReference Reference, string Tag)
    {
        public string Repository => Reference.Repository;
        public string Name => $"{Reference.Registry}/{Reference.Repository}:{Tag}";
    }

    sealed record Pushed(Target Target, RegistryClient Client, string RegistryDigest, string ConfigDigest, IReadOnlyList<string> Layers, int Uploaded, int Mounted, int Present, long Bytes);

    public async Task<ScannedPushResult> PushAsync(ScannedPushRequest request, CancellationToken ct = default)
    {
        var archive = request.Archive;
        var targets = Targets(request.Destinations);
        var manifest = ScannedImageManifest.Build(archive);
        var clients = new Dictionary<string, RegistryClient>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var registry in targets.Select(t => t.Reference.Registry).Distinct(StringComparer.OrdinalIgnoreCase))
                clients[registry] = _clientFor(new RegistrySpec(registry));
            _logger.Information("Pushing the scanned image {ImageId} ({Layers} layers, {Size}) as {Manifest} to {Destinations}",
                Digest.Short(archive.ImageId), archive.Layers.Count, Promoter.FormatBytes(archive.TotalSize), Digest.Short(manifest.Digest), string.Join(", ", targets.Select(t => t.Name)));

            var pushed = await PushEverywhereAsync(archive, manifest, targets, clients, Math.Clamp(request.Parallelism, 1, 16), ct).ConfigureAwait(false);
            var tagged = await TagAsync(manifest, pushed, ct).ConfigureAwait(false);
            var proofs = pushed.Select(p => new ShippedImageProof
            {
                Destination = p.Target.Reference.WithTag(p.Target.Tag),
                ManifestDigest = manifest.Digest,
                RegistryDigest = p.RegistryDigest,
                ConfigDigest = p.ConfigDigest,
                ScannedImageId = archive.ImageId,
                LayerDigests = p.Layers,
                ScannedLayerDigests = archive.Layers.Select(l => l.Digest).ToList(),
                PreviousTagDigest = tagged[p.Target].Previous,
                TagDigest = tagged[p.Target].Now,
                BlobsUploaded = p.Uploaded,
                BlobsMounted = p.Mounted,
                BlobsAlreadyPresent = p.Present,
                BytesUploaded = p.Bytes,
            }).ToList();
            foreach (var proof in proofs)
                _logger.Information("Shipped {Destination}@{Digest}: config {Config} = the scanned image ID, {Layers} layers = the tarball's ({Uploaded} uploaded, {Mounted} mounted, {Present} already there)",
                    proof.Destination, Digest.Short(proof.ManifestDigest), Digest.Short(proof.ConfigDigest), proof.LayerDigests.Count, proof.BlobsUploaded, proof.BlobsMounted, proof.BlobsAlreadyPresent);
            return new ScannedPushResult(archive.ImageId, manifest.Digest, proofs);
        }
        finally
        {
            foreach (var client in clients.Values)
                client.Dispose();
        }
    }

    static List<Target> Targets(IReadOnlyList<ImageReference> destinations)
    {
        if (destinations.Count == 0)
            throw new PipelineException("PushScanned needs at least one destination (registry/repository:tag).");
        var targets = new List<Target>();
        foreach (var destination in destinations)
        {
            if (destination.Digest is not null)
                throw new PipelineException($"The destination '{destination}' names a digest; a destination is registry/repository[:tag], and the digest is the one the scanned image gets.");
            // As kaniko's --destination: no tag means latest.
            var target = new Target(destination, destination.Tag ?? "latest");
            if (targets.All(t => t.Name != target.Name))
                targets.Add(target);
        }
        return targets;
    }

    /// <summary>Blobs, manifest by digest and read-back for every destination; registries in parallel, a registry's repositories in turn (so later ones mount).</summary>
    async Task<List<Pushed>> PushEverywhereAsync(DockerArchive archive, RegistryManifest manifest, List<Target> targets, Dictionary<string, RegistryClient> clients, int parallelism, CancellationToken ct)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var groups = targets.GroupBy(t => t.Reference.Registry, StringComparer.OrdinalIgnoreCase).ToList();
        var results = new List<Pushed>[groups.Count];
        Exception? first = null;
        Target? firstTarget = null;
        await Task.WhenAll(groups.Select(async (group, i) =>
        {
            var client = clients[group.Key];
            var done = new List<Pushed>();
            try
            {
                await client.PingAsync(failed.Token).ConfigureAwait(false);
                foreach (var target in group)
                    client.RequireScope(target.Repository, push: true);
                string? mountFrom = null;
                foreach (var target in group)
                {
                    done.Add(await PushOneAsync(archive, manifest, target, client, mountFrom, parallelism, failed.Token).ConfigureAwait(false));
                    mountFrom ??= target.Repository;
                }
                results[i] = done;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                if (Interlocked.CompareExchange(ref first, e, null) is null)
                {
                    firstTarget = group.First(t => done.All(d => d.Target != t));
                    await failed.CancelAsync().ConfigureAwait(false);
                }
            }
        })).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        if (first is not null)
            throw Failure(archive, firstTarget!, first);
        return results.SelectMany(r => r).ToList();
    }

    async Task<Pushed> PushOneAsync(DockerArchive archive, RegistryManifest manifest, Target target, RegistryClient client, string? mountFrom, int parallelism, CancellationToken ct)
    {
        var uploader = new ArchiveBlobUploader(client);
        var blobs = new List<(string Digest, long Size, Func<Stream> Open)>
        {
            (archive.ImageId, archive.Config.Length, () => new MemoryStream(archive.Config.ToArray(), writable: false)),
        };
        foreach (var layer in archive.Layers.DistinctBy(l => l.Digest).OrderByDescending(l => l.Size))
            blobs.Add((layer.Digest, layer.Size, () => archive.OpenLayer(layer)));
        var counts = new int[3];
        long bytes = 0;
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (blob, t) =>
        {
            var outcome = await uploader.UploadAsync(target.Repository, blob.Digest, blob.Size, blob.Open, mountFrom, t).ConfigureAwait(false);
            Interlocked.Increment(ref counts[(int)outcome]);
            if (outcome == BlobOutcome.Uploaded)
                Interlocked.Add(ref bytes, blob.Size);
        }).ConfigureAwait(false);

        // By digest: the image exists complete in the repository, but no tag names it yet.
        var stored = await client.PutManifestAsync(target.Repository, manifest.Digest, manifest, ct).ConfigureAwait(false);
        if (stored != manifest.Digest)
            throw new BlobDigestMismatchException($"{target.Name}: the registry stored the manifest as {stored}, not {manifest.Digest}.");

        // Read back as any puller would, and compare with what was scanned.
        var served = await client.GetManifestAsync(target.Repository, manifest.Digest, ct).ConfigureAwait(false);
        var registryDigest = await client.GetManifestDigestAsync(target.Repository, manifest.Digest, ct).ConfigureAwait(false)
            ?? throw new PipelineException($"{target.Name}: the manifest {manifest.Digest} was pushed but the registry does not find it.");
        var layers = served.Layers.Select(l => l.Digest).ToList();
        Verify(archive, manifest, target, served, registryDigest);
        return new Pushed(target, client, registryDigest, served.Config!.Digest, layers,
            counts[(int)BlobOutcome.Uploaded], counts[(int)BlobOutcome.Mounted], counts[(int)BlobOutcome.AlreadyPresent], bytes);
    }

    static void Verify(DockerArchive archive, RegistryManifest manifest, Target target, RegistryManifest served, string registryDigest)
    {
        var problems = new List<string>();
        if (registryDigest != manifest.Digest)
            problems.Add($"the registry names it {registryDigest}, not {manifest.Digest}");
        if (served.MediaType != MediaTypes.DockerManifest)
            problems.Add($"it is served as {served.MediaType}, not {MediaTypes.DockerManifest}");
        if (served.Config?.Digest != archive.ImageId)
            problems.Add($"its config is {served.Config?.Digest ?? "missing"}, not the scanned image ID {archive.ImageId}");
        if (served.Layers.Count != archive.Layers.Count)
            problems.Add($"it has {served.Layers.Count} layers, the scanned tarball {archive.Layers.Count}");
        for (var i = 0; i < Math.Min(served.Layers.Count, archive.Layers.Count); i++)
        {
            var (shipped, scanned) = (served.Layers[i], archive.Layers[i]);
            if (shipped.Digest != scanned.Digest || shipped.Size != scanned.Size || shipped.MediaType != scanned.MediaType)
                problems.Add($"layer {i + 1} is {shipped.Digest} ({shipped.Size} bytes, {shipped.MediaType}), the scanned one {scanned.Digest} ({scanned.Size} bytes, {scanned.MediaType})");
        }
        if (problems.Count > 0)
            throw new BlobDigestMismatchException($"{target.Name}: the image the registry serves is not the one scanned: {string.Join("; ", problems)}.");
    }

    /// <summary>
    /// Writes every tag, once every destination holds the verified image. A tag that cannot be written takes the tags
    /// written before it back to where they pointed (a tag that did not exist cannot be removed through the registry API;
    /// it then names the complete, verified scanned image).
    /// </summary>
    async Task<Dictionary<Target, (string? Previous, string Now)>> TagAsync(RegistryManifest manifest, List<Pushed> pushed, CancellationToken ct)
    {
        var before = new Dictionary<Target, (string? Digest, RegistryManifest? Manifest)>();
        foreach (var p in pushed)
        {
            try
            {
                var digest = await p.Client.GetManifestDigestAsync(p.Target.Repository, p.Target.Tag, ct).ConfigureAwait(false);
                var previous = digest is not null && digest != manifest.Digest
                    ? await p.Client.GetManifestAsync(p.Target.Repository, digest, ct).ConfigureAwait(false)
                    : null;
                before[p.Target] = (digest, previous);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is PipelineException or HttpRequestException or IOException or OperationCanceledException)
            {
                throw Failure(null, p.Target, e, "Reading the current tag of");
            }
        }

        var written = new List<Pushed>();
        foreach (var p in pushed)
        {
            if (before[p.Target].Digest == manifest.Digest)
                continue;
            try
            {
                if (before[p.Target].Digest is { } old)
                    _logger.Information("Moving the tag {Destination} from {Previous} to {Digest}", p.Target.Name, Digest.Short(old), Digest.Short(manifest.Digest));
                var tagged = await p.Client.PutManifestAsync(p.Target.Repository, p.Target.Tag, manifest, ct).ConfigureAwait(false);
                if (tagged != manifest.Digest)
                    throw new BlobDigestMismatchException($"the registry stored the tag as {tagged}, not {manifest.Digest}");
                written.Add(p);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is PipelineException or HttpRequestException or IOException or OperationCanceledException)
            {
                var undone = await UndoAsync(written, before).ConfigureAwait(false);
                throw new PipelineException(Secrets.Mask($"Tagging {p.Target.Name} failed: {Reason(e)}. {undone}"), e);
            }
        }

        var result = new Dictionary<Target, (string? Previous, string Now)>();
        foreach (var p in pushed)
        {
            var now = await p.Client.GetManifestDigestAsync(p.Target.Repository, p.Target.Tag, ct).ConfigureAwait(false) ?? "(missing)";
            if (now != manifest.Digest)
                throw new BlobDigestMismatchException($"The tag {p.Target.Name} resolves to {now} after it was written, not to {manifest.Digest}: something else moved it.");
            result[p.Target] = (before[p.Target].Digest == manifest.Digest ? null : before[p.Target].Digest, now);
        }
        return result;
    }

    async Task<string> UndoAsync(List<Pushed> written, Dictionary<Target, (string? Digest, RegistryManifest? Manifest)> before)
    {
        if (written.Count == 0)
            return "No tag was written anywhere.";
        var notes = new List<string>();
        foreach (var p in written)
        {
            if (before[p.Target].Manifest is not { } previous)
            {
                notes.Add($"{p.Target.Name} was new and stays (the registry API cannot delete a tag); it names the complete, verified scanned image");
                continue;
            }
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await p.Client.PutManifestAsync(p.Target.Repository, p.Target.Tag, previous, timeout.Token).ConfigureAwait(false);
                notes.Add($"{p.Target.Name} was put back to {Digest.Short(previous.Digest)}");
            }
            catch (Exception e) when (e is PipelineException or HttpRequestException or IOException or OperationCanceledException)
            {
                notes.Add($"{p.Target.Name} could not be put back to {previous.Digest} ({Reason(e)}); it names the complete, verified scanned image");
                _logger.Warning("Could not put the tag {Destination} back to {Previous}: {Reason}", p.Target.Name, previous.Digest, e.Message);
            }
        }
        return "Tags written before it: " + string.Join("; ", notes) + ".";
    }

    static PipelineException Failure(DockerArchive? archive, Target target, Exception e, string doing = "Pushing the scanned image to")
    {
        var image = archive is null ? string.Empty : $" ({Digest.Short(archive.ImageId)})";
        return new PipelineException(Secrets.Mask(
            $"{doing} {target.Name}{image} failed: {Reason(e)}. No tag was written anywhere; blobs already uploaded are kept, so running the push again finishes the job."), e);
    }

    static string Reason(Exception e)
    {
        if (e is OperationCanceledException)
            return "a registry did not answer in time";
        var message = (e is PipelineException ? e.Message : e.GetBaseException().Message).TrimEnd('.');
        return message;
    }
}
