using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.RegistryScan;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Registry;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.RegistryScan;

/// <summary>Which image AwaitScan waits for and Promote copies: the given digest, else the one PushDev recorded.</summary>
public sealed class DevImageDigestTests : IDisposable
{
    readonly TempDirectory _root = new("kanikobuild-digest-");

    public void Dispose() => _root.Dispose();

    PipelineRun Run() => new(_root.Path, _root.Combine(".nuke", "temp"), new PipelineOptions());

    static CheckedDevImage Image(Digest? given = null) => new(RegistrySpec.Parse("r.example.com/dev"), "team/app", "dev/team/app", "1", given);

    [Fact]
    public async Task Without_a_digest_or_a_recorded_one_it_says_what_to_do()
    {
        var error = await Assert.ThrowsAsync<PipelineException>(() => DevImageDigest.ResolveAsync(Run(), Image(), CancellationToken.None));
        Assert.Contains("--image-digest", error.Message);
        Assert.Contains("PushDev", error.Message);
    }

    [Fact]
    public async Task A_given_digest_wins_and_a_recorded_one_is_checked()
    {
        var recorded = Digest.Parse("sha256:" + new string('c', 64));
        var pushedAt = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var handOff = new HandOff(Run().TemporaryDirectory, PushDevStep.Target);
        await handOff.WriteAsync(new PushedImage("r.example.com/dev/team/app", recorded, pushedAt), DevImageDigest.SubjectOf(Image(), fingerprint: null), CancellationToken.None);

        Assert.Equal(new DevImageDigest(recorded, pushedAt), await DevImageDigest.ResolveAsync(Run(), Image(), CancellationToken.None));
        var given = Digest.Parse("sha256:" + new string('d', 64));
        // An image pushed earlier has no push time we know: only a scan this wait triggers counts then.
        Assert.Equal(new DevImageDigest(given, null), await DevImageDigest.ResolveAsync(Run(), Image(given), CancellationToken.None));

        File.WriteAllText(handOff.DigestFile, "latest");
        var error = await Assert.ThrowsAsync<PipelineException>(() => DevImageDigest.ResolveAsync(Run(), Image(), CancellationToken.None));
        Assert.Contains("is not a sha256 digest ('latest')", error.Message);
        Assert.Contains("--image-digest", error.Message);
    }
}
