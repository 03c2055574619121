using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// Alternative C through the build's own command line: one kaniko build to a tarball, twistcli --tarball on it, and
/// those bytes pushed. The pushed image's config digest must be the image ID twistcli scanned; a failing scan, a
/// verdict on another image, an OCI archive in place of the tarball and a destination that refuses the push each end
/// with one error and no tag anywhere.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TarballScanEndToEndTests(PipelineWorld world)
{
    string Record(params string[] parts) => world.Root.Combine([".nuke", "temp", "scantarball", .. parts]);

    async Task<JsonNode> ScannedResultAsync() => JsonNode.Parse(await File.ReadAllTextAsync(Record("twistcli-result.json")))!["results"]![0]!;

    async Task<JsonNode> VerdictAsync() => JsonNode.Parse(await File.ReadAllTextAsync(Record("verdict.json")))!;

    /// <summary>Whether PushScanned's hand-off (shared by the tests of this world) records a push to <paramref name="repository"/>.</summary>
    async Task<bool> RecordedPushNamesAsync(string repository)
    {
        var image = world.Root.Combine(".nuke", "temp", "pushscanned", "image");
        return File.Exists(image) && (await File.ReadAllTextAsync(image)).Trim().EndsWith("/" + repository, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PassingImage_IsBuiltOnce_Scanned_AndShippedWithTheScannedConfigAndLayers()
    {
        await using var watch = await KanikoContainerWatch.StartAsync(world.KanikoImage);
        var run = await world.RunAsync(PreflightEndToEndTests.With(["PushScanned", .. world.SampleArguments("app", "c-pass"),
            "--destination", $"{world.Prod.Host}/team/app:c-pass", $"{world.Prod.Host}/team/app-mirror:c-pass"], ("--kaniko-image", watch.Image)));
        await watch.DisposeAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        var scannedId = (await ScannedResultAsync())["id"]!.GetValue<string>();
        using var prod = world.Client(world.Prod);
        foreach (var repository in new[] { "team/app", "team/app-mirror" })
        {
            Assert.True(await prod.GetManifestDigestAsync(repository, "c-pass") is not null, $"{repository}:c-pass was not pushed\n{run}");
            var manifest = await prod.GetManifestAsync(repository, "c-pass");
            // The image ID twistcli scanned is the config of what the registry serves.
            Assert.Equal(scannedId, manifest.Config!.Digest);
        }
        var recorded = (await File.ReadAllTextAsync(world.Root.Combine(".nuke", "temp", "pushscanned", "digest"))).Trim();
        Assert.Equal(recorded, await prod.GetManifestDigestAsync("team/app", "c-pass"));
        Assert.Contains($"IMAGE_DIGEST={recorded}", await File.ReadAllTextAsync(world.Root.Combine(".nuke", "temp", "pushscanned", "outputs.env")));

        // One kaniko executor for the whole of C (nothing built twice); twistcli ran on this host (the tests run as root).
        Assert.Equal(1, watch.ContainersCreated);
        Assert.Contains("--tarball", run.Output);

        var reports = world.Root.Combine("artifacts", "app-c-pass");
        var markdown = await File.ReadAllTextAsync(Path.Combine(reports, "scan-summary.md"));
        Assert.Contains("Shipped = scanned", markdown);
        Assert.Contains($"`{scannedId}` | `{scannedId}`", markdown);
        Assert.Contains("Layers of the scanned image", markdown);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, "scan-result.json")));
        var image = json.RootElement.GetProperty("scannedImage");
        Assert.True(image.GetProperty("shippedEqualsScanned").GetBoolean());
        Assert.Equal(2, image.GetProperty("shipped").GetArrayLength());
        Assert.Equal(recorded, image.GetProperty("shipped")[0].GetProperty("manifestDigest").GetString());
        // The report is about the first destination's repository (VerdictGate's identity), not the per-run scan.
        Assert.Contains($"{world.Prod.Host}/team/app", json.RootElement.GetProperty("result").ToString());
    }

    [Fact]
    public async Task VulnerableImage_FailsNamingItsCves_AndNothingIsPushed()
    {
        var run = await world.RunAsync(["PushScanned", .. world.SampleArguments("app-vulnerable", "c-fail"), "--destination", $"{world.Prod.Host}/team/vulnerable:c-fail"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("CVE-2021-3711", run.Output);
        using var prod = world.Client(world.Prod);
        Assert.Null(await prod.GetManifestDigestAsync("team/vulnerable", "c-fail"));
        Assert.False((await VerdictAsync())["passed"]!.GetValue<bool>());

        // The failed verdict also stops a push run on its own later: nothing reaches the registry.
        var again = await world.RunAsync(["PushScanned", "--skip", "ScanTarball", .. world.SampleArguments("app-vulnerable", "c-fail"), "--destination", $"{world.Prod.Host}/team/vulnerable:c-fail"]);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("failed its scan verdict", again.Output);
        Assert.Null(await prod.GetManifestDigestAsync("team/vulnerable", "c-fail"));
        Assert.False(await RecordedPushNamesAsync("team/vulnerable"));
    }

    [Fact]
    public async Task ScratchImage_WithoutShellOrEtc_IsScannedAndShipped()
    {
        Directory.CreateDirectory(world.Root.Combine("samples", "scratch"));
        await File.WriteAllTextAsync(world.Root.Combine("samples", "scratch", "Dockerfile"), "FROM scratch\nCOPY src/hello.sh /hello\nENTRYPOINT [\"/hello\"]\n");

        var run = await world.RunAsync(["PushScanned", .. world.SampleArguments("scratch", "c-scratch"), "--destination", $"{world.Prod.Host}/team/scratch:c-scratch"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var prod = world.Client(world.Prod);
        var manifest = await prod.GetManifestAsync("team/scratch", "c-scratch");
        Assert.Equal((await ScannedResultAsync())["id"]!.GetValue<string>(), manifest.Config!.Digest);
        Assert.Single(manifest.Layers);
    }

    [Fact]
    public async Task AVerdictOnAnotherImage_OrAnOciArchiveInPlaceOfTheTarball_PushesNothing()
    {
        string[] arguments = [.. world.SampleArguments("app", "c-swap"), "--destination", $"{world.Prod.Host}/team/swap:c-swap"];
        var scanned = await world.RunAsync(["ScanTarball", .. arguments]);
        Assert.True(scanned.ExitCode == 0, scanned.ToString());
        using var prod = world.Client(world.Prod);

        // A pass an earlier run left on disk is not a verdict of this run: the same tarball is refused with --skip ScanTarball.
        var later = await world.RunAsync(["PushScanned", "--skip", "ScanTarball", .. arguments]);
        Assert.NotEqual(0, later.ExitCode);
        Assert.Contains("a verdict counts only in the run that reached it", later.Output);
        Assert.Null(await prod.GetManifestDigestAsync("team/swap", "c-swap"));

        // The verdict names another image than the tarball holds (the tarball changed after the scan).
        var verdict = await VerdictAsync();
        verdict["imageId"] = "sha256:" + new string('0', 64);
        await File.WriteAllTextAsync(Record("verdict.json"), verdict.ToJsonString());
        var swapped = await world.RunAsync(["PushScanned", "--skip", "ScanTarball", .. arguments]);
        Assert.NotEqual(0, swapped.ExitCode);
        Assert.Contains("the tarball changed after the scan, so nothing is pushed", swapped.Output);
        Assert.Null(await prod.GetManifestDigestAsync("team/swap", "c-swap"));

        // An OCI image archive where the docker-save tarball should be.
        ImageTarballs.WriteArchive(Record("image.tar"), [("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray()), ("index.json", """{"schemaVersion":2,"manifests":[]}"""u8.ToArray())]);
        var oci = await world.RunAsync(["PushScanned", "--skip", "ScanTarball", .. arguments]);
        Assert.NotEqual(0, oci.ExitCode);
        Assert.Contains("is an OCI image archive", oci.Output);
        Assert.Null(await prod.GetManifestDigestAsync("team/swap", "c-swap"));

        // No tarball at all.
        File.Delete(Record("image.tar"));
        var missing = await world.RunAsync(["PushScanned", "--skip", "ScanTarball", .. arguments]);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("There is no scanned tarball to push", missing.Output);
    }

    [Fact]
    public async Task ADestinationThatRefusesThePush_LeavesNoTagAnywhere()
    {
        // The second destination is a registry that is not there: the first one gets blobs, but no tag is written anywhere.
        var gone = $"127.0.0.1:{FreePort.Next()}";
        var run = await world.RunAsync(["PushScanned", .. world.SampleArguments("app", "c-refused"),
            "--destination", $"{world.Prod.Host}/team/refused:c-refused", $"{gone}/team/refused:c-refused"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("No tag was written anywhere", run.Output);
        using var prod = world.Client(world.Prod);
        Assert.Null(await prod.GetManifestDigestAsync("team/refused", "c-refused"));
        Assert.False(await RecordedPushNamesAsync("team/refused"));
    }

    [Fact]
    public async Task WithoutRootsCapabilities_TwistcliRunsInAContainer_AndTheScannedImageShips()
    {
        // The build as root but without CAP_SYS_CHROOT and CAP_MKNOD in its bounding set: twistcli --tarball cannot
        // run here, so it runs in a container of the kaniko image through the engine.
        var setpriv = Peer.RequireExecutable("setpriv", "util-linux");
        var info = new ProcessStartInfo(setpriv) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--bounding-set", "-sys_chroot,-mknod", "--", "dotnet", BuildAssembly.Path, "PushScanned" }
                     .Concat(world.SampleArguments("app", "c-container")).Concat(["--destination", $"{world.Prod.Host}/team/container:c-container", "--root", world.Root.Path, "--no-logo"]))
            info.ArgumentList.Add(argument);
        world.PrepareEnvironment(info);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        var run = new BuildRun(process.ExitCode, await stdout + await stderr);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("running it in a container through the Docker engine", run.Output);
        Assert.Contains("CAP_SYS_CHROOT", run.Output);
        using var prod = world.Client(world.Prod);
        var manifest = await prod.GetManifestAsync("team/container", "c-container");
        Assert.Equal((await ScannedResultAsync())["id"]!.GetValue<string>(), manifest.Config!.Digest);
        Assert.DoesNotContain(world.ConsolePassword, run.Output, StringComparison.Ordinal);
    }
}
