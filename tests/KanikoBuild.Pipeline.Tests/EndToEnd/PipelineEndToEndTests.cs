using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using KanikoBuild.ConsoleSimulator;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// Both alternatives end to end through the build's own command line: passing and vulnerable images, a failing
/// scan stopping the release and the promotion, a Console outage during the wait, a production registry outage
/// during promotion; and the secrets canary over everything they produced. Each claim is checked by the test from
/// the peers themselves (the registries' manifests, blobs and storage, the simulator's request log, the engine's
/// events), not from the build's own account of what it did.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PipelineEndToEndTests(PipelineWorld world)
{
    [Fact]
    public async Task AlternativeA_PassingImage_IsScannedThenReleasedWithTheScannedLayers()
    {
        var destination = $"{world.Prod.Host}/release/app:a-pass";
        var run = await world.RunAsync(["ReleaseBuild", .. world.SampleArguments("app", "a-pass"), "--destination", destination]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("are the scanned layers", run.Output);
        // The claim itself, recomputed: the released layers' diff ids (each pushed blob unpacked and hashed here)
        // are the first layers of the scanned image (the scan build's record, read from its tarball).
        var scanned = await File.ReadAllLinesAsync(world.Root.Combine(".nuke", "temp", "scanbuild", "scanned-layers"));
        var released = await ReleasedDiffIdsAsync("release/app", "a-pass");
        Assert.NotEmpty(released);
        Assert.True(scanned.Length > released.Count, $"the scan image ({scanned.Length} layers) is the released stage plus the scan step ({released.Count} layers)");
        Assert.Equal(released, scanned.Take(released.Count));
        var recorded = (await File.ReadAllTextAsync(world.Root.Combine(".nuke", "temp", "releasebuild", "digest"))).Trim();
        using var prod = world.Client(world.Prod);
        Assert.Equal(recorded, await prod.GetManifestDigestAsync("release/app", "a-pass"));
        Assert.True(File.Exists(world.Root.Combine("artifacts", "app-a-pass", "scan.sarif")));
        // The scan Dockerfile is there to read, and it holds the scan stage.
        Assert.Contains("twistcli images scan --containerized", await File.ReadAllTextAsync(world.Root.Combine(".nuke", "temp", "Dockerfile.scan")));
    }

    [Fact]
    public async Task AlternativeA_VulnerableImage_FailsTheScanAndIsNeverReleased()
    {
        var run = await world.RunAsync(["ReleaseBuild", .. world.SampleArguments("app-vulnerable", "a-fail"), "--destination", $"{world.Prod.Host}/release/vulnerable:a-fail"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("CVE-2021-3711", run.Output);
        using var prod = world.Client(world.Prod);
        Assert.Null(await prod.GetManifestDigestAsync("release/vulnerable", "a-fail"));
        // The scanned image was never pushed anywhere, so no digest to ask for: production holds no trace of the
        // repository (no tag, no manifest, no layer link).
        Assert.False(PipelineWorld.HoldsRepository(world.Prod, "release/vulnerable"), "production holds something of release/vulnerable");
        Assert.True(File.Exists(world.Root.Combine("artifacts", "app-vulnerable-a-fail", "gl-container-scanning-report.json")));
    }

    [Fact]
    public async Task AlternativeB_PassingImage_IsPromotedByDigest()
    {
        var run = await world.RunAsync(["Promote", .. world.SampleArguments("app", "b-pass")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var dev = world.Client(world.Dev);
        using var prod = world.Client(world.Prod);
        var pushed = await dev.GetManifestDigestAsync("dev/samples/app", "b-pass");
        Assert.NotNull(pushed);
        Assert.Equal(pushed, await prod.GetManifestDigestAsync("prod/samples/app", "b-pass"));
    }

    [Fact]
    public async Task AlternativeB_VulnerableImage_NeverReachesProduction()
    {
        var run = await world.RunAsync(["Promote", .. world.SampleArguments("app-vulnerable", "b-fail")]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("CVE-2022-37434", run.Output);
        using var dev = world.Client(world.Dev);
        var scanned = await dev.GetManifestDigestAsync("dev/samples/app-vulnerable", "b-fail");
        Assert.NotNull(scanned);
        using var prod = world.Client(world.Prod);
        Assert.Null(await prod.GetManifestDigestAsync("prod/samples/app-vulnerable", "b-fail"));
        Assert.Null(await prod.GetManifestDigestAsync("prod/samples/app-vulnerable", scanned));
        Assert.False(PipelineWorld.HoldsRepository(world.Prod, "prod/samples/app-vulnerable"), "production holds something of prod/samples/app-vulnerable");
        // The recap names the failed verdict once (the report's line and the target's failure are one error).
        var recap = run.Output[run.Output.IndexOf("Repeating warnings and errors:", StringComparison.Ordinal)..];
        recap = recap[..recap.IndexOf("Target ", StringComparison.Ordinal)];
        Assert.Single(recap.Split('\n'), l => l.Contains("[ERR]", StringComparison.Ordinal) && l.Contains("Scan verdict for", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AlternativeB_ConsoleOutageDuringTheWait_IsRiddenOut()
    {
        var pushed = await world.RunAsync(["PushDev", .. world.SampleArguments("app", "b-outage")]);
        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        using var dev = world.Client(world.Dev);
        var digest = await dev.GetManifestDigestAsync("dev/samples/app", "b-outage");
        Assert.NotNull(digest);
        var control = world.Console.Control;
        // The fault matches every path under /api/v1/registry (the scan trigger, the results, the progress).
        static bool UnderRegistry(RequestRecord r) => r.Path.StartsWith("/api/v1/registry", StringComparison.Ordinal);
        int Served503s() => control.Requests.Count(r => UnderRegistry(r) && r.Status == 503);
        var before = Served503s();
        control.FailNext(4, 503, "/api/v1/registry");

        var run = await world.RunAsync(["AwaitScan", "--skip", "PushDev", .. world.SampleArguments("app", "b-outage")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        // The outage was really served (all four 503s went to this wait), and the wait then read an answer.
        Assert.Equal(4, Served503s() - before);
        var requests = control.Requests.ToList();
        var lastOutage = requests.FindLastIndex(r => UnderRegistry(r) && r.Status == 503);
        Assert.Contains(requests.Skip(lastOutage + 1), r => r.Method == "GET" && r.Path == "/api/v1/registry" && r.Status == 200);
        // It completed on the pushed image: the Console holds a result for the digest the dev registry serves,
        // and the verdict's report names that digest.
        Assert.Contains(control.Results, r => r.ToJsonString().Contains(digest, StringComparison.Ordinal));
        var report = await File.ReadAllTextAsync(world.Root.Combine("artifacts", "app-b-outage", "scan.sarif"));
        Assert.Contains(digest, report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promotion_WithProductionDown_LeavesItUntouched_AndARerunCompletes()
    {
        // An image name of its own, so nothing another test promoted can stand in for this one in production.
        string[] arguments = [.. PreflightEndToEndTests.With(world.SampleArguments("app", "b-prod-down"), ("--image", "samples/app-prod-down"))];
        var pushed = await world.RunAsync(["AwaitScan", .. arguments]);
        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        var digest = (await File.ReadAllTextAsync(world.Root.Combine(".nuke", "temp", "pushdev", "digest"))).Trim();
        using (var dev = world.Client(world.Dev))
            Assert.Equal(digest, await dev.GetManifestDigestAsync("dev/samples/app-prod-down", "b-prod-down"));

        world.Prod.Kill();
        BuildRun failed;
        try
        {
            failed = await world.RunAsync(["Promote", .. arguments, "--image-digest", digest]);
        }
        finally
        {
            await world.Prod.RestartAsync();
        }
        Assert.NotEqual(0, failed.ExitCode);
        // The reason is the unreachable production registry, named by its address.
        var errors = string.Join('\n', failed.Output.Split('\n').Where(l => l.Contains("[ERR]", StringComparison.Ordinal)));
        Assert.True(errors.Contains(world.Prod.Host, StringComparison.Ordinal), $"the error does not name production ({world.Prod.Host}):\n{failed}");
        using (var prod = world.Client(world.Prod))
        {
            Assert.Null(await prod.GetManifestDigestAsync("prod/samples/app-prod-down", "b-prod-down"));
            Assert.Null(await prod.GetManifestDigestAsync("prod/samples/app-prod-down", digest));
        }
        Assert.False(PipelineWorld.HoldsRepository(world.Prod, "prod/samples/app-prod-down"), "the failed promotion left something in production");

        var rerun = await world.RunAsync(["Promote", .. arguments, "--image-digest", digest]);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        using (var prod = world.Client(world.Prod))
        {
            Assert.Equal(digest, await prod.GetManifestDigestAsync("prod/samples/app-prod-down", "b-prod-down"));
            Assert.Equal(digest, await prod.GetManifestDigestAsync("prod/samples/app-prod-down", digest));
        }
    }

    [Fact]
    public async Task SecretsCanary_AppearsNowhereThePipelineWrote()
    {
        // Both alternatives with every secret parameter set to a canary value, each run watched through the
        // engine's events so every executor container it created is inspected: A builds twice (the scan build and
        // the release build), B once (PushDev).
        var tokensBefore = world.ProdTokens.Requests.Count(r => r.User == PipelineWorld.RegistryUser);
        var (a, aContainers) = await RunWatchedAsync(["ReleaseBuild", .. world.SampleArguments("app", "canary"), "--destination", $"{world.Prod.Host}/release/canary:1"]);
        var (b, bContainers) = await RunWatchedAsync(["Promote", .. world.SampleArguments("app", "canary-b")]);
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.True(b.ExitCode == 0, b.ToString());
        Assert.Equal(2, aContainers.ContainersCreated);
        Assert.Equal(1, bContainers.ContainersCreated);
        string[] canaries = [world.ConsolePassword, world.DevRegistryPassword, world.ProdRegistryPassword];
        // Production refuses anonymous pushes: both alternatives logged in to it (A's release push, B's promotion).
        Assert.True(world.ProdTokens.Requests.Count(r => r.User == PipelineWorld.RegistryUser) > tokensBefore, "nothing logged in to production's token service");

        var places = new List<(string Where, string Text)> { ("log of A", a.Output), ("log of B", b.Output) };
        foreach (var (alternative, watch, expected) in new[] { ("A", aContainers, 2), ("B", bContainers, 1) })
        {
            Assert.Equal(expected, watch.Inspections.Count);
            foreach (var (id, inspection) in watch.Inspections)
            {
                Assert.True(inspection is not null, $"{alternative}'s executor container {id[..12]} was gone before it could be inspected");
                places.Add(($"docker inspect {id[..12]} ({alternative})", inspection));
            }
        }
        foreach (var file in Directory.GetFiles(world.Root.Path, "*", SearchOption.AllDirectories))
            places.Add((file, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file))));
        foreach (var registry in new[] { world.Dev, world.Prod })
        {
            foreach (var blob in Directory.GetFiles(Path.Combine(registry.StorageDirectory, "data"), "data", SearchOption.AllDirectories))
                places.Add(($"blob {blob}", await BlobTextAsync(blob)));
        }

        foreach (var (where, text) in places)
        {
            foreach (var canary in canaries)
                Assert.False(text.Contains(canary, StringComparison.Ordinal), $"a secret canary leaked into {where}");
        }
    }

    async Task<(BuildRun Run, KanikoContainerWatch Watch)> RunWatchedAsync(string[] arguments)
    {
        await using var watch = await KanikoContainerWatch.StartAsync(world.KanikoImage);
        var run = await world.RunAsync(PreflightEndToEndTests.With(arguments, ("--kaniko-image", watch.Image)));
        await watch.DisposeAsync();
        return (run, watch);
    }

    /// <summary>The diff ids of an image in production, from its manifest: every layer blob fetched, unpacked and hashed.</summary>
    async Task<IReadOnlyList<string>> ReleasedDiffIdsAsync(string repository, string tag)
    {
        using var prod = world.Client(world.Prod);
        var manifest = await prod.GetManifestAsync(repository, tag);
        var diffIds = new List<string>();
        foreach (var layer in manifest.Layers)
        {
            var blob = await prod.ReadBlobAsync(repository, layer.Digest, 256L * 1024 * 1024);
            Stream content = new MemoryStream(blob);
            if (layer.MediaType.EndsWith("gzip", StringComparison.Ordinal))
                content = new GZipStream(content, CompressionMode.Decompress);
            using (content)
                diffIds.Add("sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(content)));
        }
        return diffIds;
    }

    /// <summary>A blob's bytes, and for a gzip layer every file inside it (the canary checks search both).</summary>
    internal static async Task<string> BlobTextAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var text = new StringBuilder(Encoding.Latin1.GetString(bytes));
        if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var unpacked = new MemoryStream();
            await gzip.CopyToAsync(unpacked);
            text.Append(Encoding.Latin1.GetString(unpacked.ToArray()));
        }
        return text.ToString();
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<PipelineWorld>
{
    public const string Name = "end to end";
}
