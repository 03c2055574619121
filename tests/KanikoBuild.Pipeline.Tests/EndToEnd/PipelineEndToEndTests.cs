using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using KanikoBuild.ConsoleSimulator;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// Both alternatives end to end through the build's own command line: passing and vulnerable images, a failing
/// scan stopping the release and the promotion, a Console outage during the wait, a production registry outage
/// during promotion; and the secrets canary over everything they produced.
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
        using var prod = world.Client(world.Prod);
        Assert.Null(await prod.GetManifestDigestAsync("prod/samples/app-vulnerable", "b-fail"));
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
        world.Console.Control.FailNext(4, 503, "/api/v1/registry");

        var run = await world.RunAsync(["AwaitScan", "--skip", "PushDev", .. world.SampleArguments("app", "b-outage")]);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Promotion_WithProductionDown_LeavesItUntouched_AndARerunCompletes()
    {
        var pushed = await world.RunAsync(["AwaitScan", .. world.SampleArguments("app", "b-prod-down")]);
        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        var digest = (await File.ReadAllTextAsync(world.Root.Combine(".nuke", "temp", "pushdev", "digest"))).Trim();

        world.Prod.Kill();
        try
        {
            var failed = await world.RunAsync(["Promote", .. world.SampleArguments("app", "b-prod-down"), "--image-digest", digest]);
            Assert.NotEqual(0, failed.ExitCode);
        }
        finally
        {
            await world.Prod.RestartAsync();
        }
        using (var prod = world.Client(world.Prod))
            Assert.Null(await prod.GetManifestDigestAsync("prod/samples/app", "b-prod-down"));

        var rerun = await world.RunAsync(["Promote", .. world.SampleArguments("app", "b-prod-down"), "--image-digest", digest]);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        using (var prod = world.Client(world.Prod))
            Assert.Equal(digest, await prod.GetManifestDigestAsync("prod/samples/app", "b-prod-down"));
    }

    [Fact]
    public async Task SecretsCanary_AppearsNowhereThePipelineWrote()
    {
        // Both alternatives with every secret parameter set to a canary value.
        var a = await world.RunAsync(["ReleaseBuild", .. world.SampleArguments("app", "canary"), "--destination", $"{world.Prod.Host}/release/canary:1"]);
        var b = await world.RunAsync(["Promote", .. world.SampleArguments("app", "canary-b")]);
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.True(b.ExitCode == 0, b.ToString());
        string[] canaries = [world.ConsolePassword, world.DevRegistryPassword, world.ProdRegistryPassword];

        var places = new List<(string Where, string Text)> { ("log of A", a.Output), ("log of B", b.Output) };
        places.AddRange(world.ContainerInspections.Select(i => ($"docker inspect {i.Key[..12]}", i.Value)));
        Assert.NotEmpty(world.ContainerInspections);
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

    /// <summary>A blob's bytes, and for a gzip layer every file inside it.</summary>
    static async Task<string> BlobTextAsync(string path)
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
