namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// Issue 12 through the build's own command line: a verdict belongs to one digest. A stale PushDev record is never
/// awaited or promoted for another tag, <c>--skip</c> of the verdict target never ships a digest without a verdict,
/// and a run that ends without a verdict never leaves an earlier run's passing reports.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class VerdictGateEndToEndTests(PipelineWorld world)
{
    /// <summary>The arguments with <paramref name="changes"/> applied: a value replaces the switch's.</summary>
    static string[] With(string[] arguments, params (string Switch, string Value)[] changes)
    {
        var list = arguments.ToList();
        foreach (var (name, value) in changes)
        {
            var at = list.IndexOf(name);
            if (at >= 0)
                list.RemoveRange(at, 2);
            list.AddRange([name, value]);
        }
        return [.. list];
    }

    string PushDevRecord => world.Root.Combine(".nuke", "temp", "pushdev", "digest");

    /// <summary>A Dockerfile whose build fails, in the world's samples (the context), for a push that must fail.</summary>
    string BrokenDockerfile()
    {
        var directory = world.Root.Combine("samples", "broken-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Dockerfile"), "ARG BASE_IMAGE=busybox:1.36\nFROM ${BASE_IMAGE}\nRUN exit 3\n");
        return Path.GetRelativePath(world.Root.Path, Path.Combine(directory, "Dockerfile"));
    }

    [Fact]
    public async Task A_digest_recorded_for_one_tag_is_never_awaited_or_promoted_for_another_and_a_failed_push_leaves_none()
    {
        var t1 = await world.RunAsync(["PushDev", .. world.SampleArguments("app", "stale-t1")]);
        Assert.True(t1.ExitCode == 0, t1.ToString());
        var t1Digest = (await File.ReadAllTextAsync(PushDevRecord)).Trim();

        // The record is t1's: AwaitScan for t2 refuses it instead of judging t1's bytes as t2.
        var mismatch = await world.RunAsync(["AwaitScan", "--skip", "PushDev", .. world.SampleArguments("app", "stale-t2")]);
        Assert.NotEqual(0, mismatch.ExitCode);
        Assert.DoesNotContain("PASSED", mismatch.Output);
        Assert.Contains("was pushed for", mismatch.Output);
        Assert.Contains("stale-t1", mismatch.Output);

        // A push for t2 that fails removes t1's record first.
        var failed = await world.RunAsync(["PushDev", .. With(world.SampleArguments("app", "stale-t2"), ("--dockerfile", BrokenDockerfile()))]);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.False(File.Exists(PushDevRecord), $"a failed PushDev left the earlier digest {t1Digest} in {PushDevRecord}");

        var await2 = await world.RunAsync(["AwaitScan", "--skip", "PushDev", .. world.SampleArguments("app", "stale-t2")]);
        Assert.NotEqual(0, await2.ExitCode);
        Assert.DoesNotContain("PASSED", await2.Output);
        Assert.Contains("has recorded no digest", await2.Output);

        var promote = await world.RunAsync(["Promote", "--skip", "PushDev", "AwaitScan", .. world.SampleArguments("app", "stale-t2")]);
        Assert.NotEqual(0, promote.ExitCode);
        using var prod = world.Client(world.Prod);
        Assert.Null(await prod.GetManifestDigestAsync("prod/samples/app", "stale-t2"));
    }

    [Fact]
    public async Task Skipping_the_verdict_target_never_ships_and_the_refusal_names_the_digest()
    {
        var scanned = await world.RunAsync(["AwaitScan", .. world.SampleArguments("app", "skip-1")]);
        Assert.True(scanned.ExitCode == 0, scanned.ToString());
        var digest = (await File.ReadAllTextAsync(PushDevRecord)).Trim();
        using var prod = world.Client(world.Prod);

        // The record matches, but no verdict is reached in this run: the earlier pass is no verdict for Promote.
        var skipped = await world.RunAsync(["Promote", "--skip", "PushDev", "AwaitScan", .. world.SampleArguments("app", "skip-1")]);
        Assert.NotEqual(0, skipped.ExitCode);
        Assert.Contains($"Promote refuses {digest}: no passing verdict for this digest", skipped.Output);
        Assert.Contains("run AwaitScan for this digest", skipped.Output);
        Assert.Null(await prod.GetManifestDigestAsync("prod/samples/app", "skip-1"));

        // A digest given outright, the Console never asked about it in this run: refused too.
        var given = await world.RunAsync(["Promote", "--skip", "AwaitScan", .. world.SampleArguments("app", "skip-1"), "--image-digest", digest]);
        Assert.NotEqual(0, given.ExitCode);
        Assert.Contains($"Promote refuses {digest}", given.Output);
        Assert.Null(await prod.GetManifestDigestAsync("prod/samples/app", "skip-1"));

        // Alternative A: the release build without this run's scan builds nothing.
        var destination = $"{world.Prod.Host}/release/skip:a";
        var release = await world.RunAsync(["ReleaseBuild", "--skip", "ScanBuild", .. world.SampleArguments("app", "skip-a"), "--destination", destination]);
        Assert.NotEqual(0, release.ExitCode);
        Assert.Contains("ReleaseBuild refuses to build and push: ScanBuild reached no passing verdict in this run", release.Output);
        Assert.Null(await prod.GetManifestDigestAsync("release/skip", "a"));

        // With the verdict target in the run, the same digest ships.
        var full = await world.RunAsync(["Promote", "--skip", "PushDev", .. world.SampleArguments("app", "skip-1")]);
        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Equal(digest, await prod.GetManifestDigestAsync("prod/samples/app", "skip-1"));
    }

    [Fact]
    public async Task A_run_without_a_verdict_never_leaves_an_earlier_pass_in_the_reports()
    {
        var reports = world.Root.Combine("artifacts", "stale-reports");
        var arguments = With(world.SampleArguments("app", "reports"), ("--reports-dir", "artifacts/stale-reports"));
        var passed = await world.RunAsync(["ScanBuild", .. arguments]);
        Assert.True(passed.ExitCode == 0, passed.ToString());
        Assert.Contains("passed", await File.ReadAllTextAsync(Path.Combine(reports, "scan-summary.md")));
        Assert.True(File.Exists(Path.Combine(reports, "scan.sarif")));

        // A malformed policy: refused before the build, and the reports say so.
        Directory.CreateDirectory(world.Root.Combine("policies"));
        await File.WriteAllTextAsync(world.Root.Combine("policies", "malformed.json"), "{\"failOn\": {\"critical\": ");
        var badPolicy = await world.RunAsync(["ScanBuild", .. arguments, "--policy", "policies/malformed.json"]);
        Assert.NotEqual(0, badPolicy.ExitCode);
        AssertNoVerdict(reports, "malformed.json");

        // A pass again, then a Console error (an account the Console refuses) during the step.
        var again = await world.RunAsync(["ScanBuild", .. arguments]);
        Assert.True(again.ExitCode == 0, again.ToString());
        var consoleError = await world.RunAsync(["ScanBuild", .. With(arguments, ("--console-user", "nobody-" + Guid.NewGuid().ToString("N")[..6]))]);
        Assert.NotEqual(0, consoleError.ExitCode);
        AssertNoVerdict(reports, "");
    }

    static void AssertNoVerdict(string reports, string reasonFragment)
    {
        var summary = File.ReadAllText(Path.Combine(reports, "scan-summary.md"));
        Assert.Contains("no verdict", summary);
        Assert.DoesNotContain("scan passed", summary);
        Assert.Contains(reasonFragment, summary);
        var junit = File.ReadAllText(Path.Combine(reports, "scan-junit.xml"));
        Assert.Contains("<error type=\"no-verdict\"", junit);
        Assert.Contains("errors=\"1\"", junit);
        foreach (var stale in new[] { "scan.sarif", "gl-container-scanning-report.json", "scan-result.json" })
            Assert.False(File.Exists(Path.Combine(reports, stale)), $"{stale} of an earlier run outlived a run without a verdict");
    }
}
