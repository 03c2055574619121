using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.RegistryScan;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.Verdicts;

/// <summary>A verdict counts for the digest it is about: the ledger binds A's scan to a release only with the scanned layers; a hand-off record only for its own tag.</summary>
public sealed class VerdictLedgerTests
{
    static readonly string s_policyDigest = "sha256:" + new string('a', 64);

    static (ScanResult, Verdict) Passing()
    {
        var result = new ScanResult { Source = ScanSource.TwistcliFile, ScannerVersion = "32.07.123", ScanTime = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero) };
        return (result, PolicyEvaluator.Evaluate(result, ScanPolicy.Default, new DateOnly(2026, 12, 1)));
    }

    [Fact]
    public void A_tarball_verdict_counts_for_its_image_id_and_then_for_the_manifest_proven_to_carry_it()
    {
        var (result, verdict) = Passing();
        var ledger = new VerdictLedger();
        var imageId = "sha256:" + new string('d', 64);
        var manifest = Digest.Parse("sha256:" + new string('e', 64));

        ledger.RecordForImage(imageId, result, verdict, s_policyDigest);

        Assert.NotNull(ledger.ForImage(imageId));
        Assert.Null(ledger.ForImage("sha256:" + new string('f', 64)));
        Assert.Null(ledger.ScannedStage);
        Assert.Null(ledger.For(manifest));
        var bound = ledger.BindImage(manifest, imageId);
        Assert.Same(bound, ledger.For(manifest));
        Assert.Equal(imageId, bound.ImageId);
        Assert.Throws<InvalidOperationException>(() => ledger.BindImage(manifest, "sha256:" + new string('f', 64)));
    }

    [Fact]
    public void A_release_is_bound_to_the_scan_only_when_its_layers_are_the_scanned_ones()
    {
        var (result, verdict) = Passing();
        var ledger = new VerdictLedger();
        ledger.RecordScannedStage(["sha256:l1", "sha256:l2"], result, verdict, s_policyDigest);
        var rebuilt = Digest.Parse("sha256:" + new string('b', 64));
        var reused = Digest.Parse("sha256:" + new string('c', 64));

        var (none, differing) = ledger.BindRelease(rebuilt, ["sha256:l1", "sha256:other"]);
        Assert.Null(none);
        Assert.Equal([1], differing.DifferingLayers);
        Assert.Null(ledger.For(rebuilt));

        var (bound, _) = ledger.BindRelease(reused, ["sha256:l1", "sha256:l2"]);
        Assert.NotNull(bound);
        Assert.Same(bound, ledger.For(reused));
        Assert.True(bound.Claims.Passed);
        Assert.Equal("twistcli", bound.Claims.Scanner.Name);
        Assert.Equal(s_policyDigest, bound.Claims.PolicyDigest);
        Assert.Equal(["critical", "high", "medium", "low", "unknown"], bound.Claims.Counts.Select(c => c.Severity));
    }

    [Fact]
    public async Task A_record_for_another_tag_is_refused_and_cleared_before_a_push()
    {
        using var root = new TempDirectory("kanikobuild-ledger-");
        var handOff = new HandOff(root.Combine(".nuke", "temp"), PushDevStep.Target);
        var image = new CheckedDevImage(RegistrySpec.Parse("r.example.com/dev"), "team/app", "dev/team/app", "t1", null);
        var digest = Digest.Parse("sha256:" + new string('d', 64));
        await handOff.WriteAsync(new PushedImage("r.example.com/dev/team/app", digest, DateTimeOffset.UnixEpoch), DevImageDigest.SubjectOf(image, "sha256:f1"), CancellationToken.None);

        Assert.Equal(digest, (await handOff.ReadForAsync(DevImageDigest.SubjectOf(image, null), CancellationToken.None))!.Digest);
        var otherTag = await Assert.ThrowsAsync<PipelineException>(() => handOff.ReadForAsync(DevImageDigest.SubjectOf(image with { Tag = "t2" }, null), CancellationToken.None));
        Assert.Contains("tag t1 ≠ t2", otherTag.Message);
        var otherBuild = await Assert.ThrowsAsync<PipelineException>(() => handOff.ReadForAsync(DevImageDigest.SubjectOf(image, "sha256:f2"), CancellationToken.None));
        Assert.Contains("build arguments changed", otherBuild.Message);

        handOff.Clear();
        Assert.Null(await handOff.ReadAsync(CancellationToken.None));
    }
}
