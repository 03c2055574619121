using System.Text.Json;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.Verdicts;

/// <summary>The gate names the image the reports are about, so the same finding keeps its identity from run to run.</summary>
public sealed class VerdictGateTests
{
    static string TwistcliFile(TempDirectory dir, string reportId) => dir.Write($"{reportId}.json", $$"""
        {
          "results": [ {
            "id": "", "name": "{{reportId}}", "distro": "alpine", "distroRelease": "3.14.0",
            "vulnerabilities": [
              { "id": "CVE-2021-3711", "severity": "critical", "status": "fixed in 1.1.1l-r0", "packageName": "openssl", "packageVersion": "1.1.1k-r0" },
              { "id": "CVE-2022-37434", "severity": "critical", "status": "fixed in 1.2.12-r2", "packageName": "zlib", "packageVersion": "1.2.11-r3" }
            ],
            "vulnerabilityScanPassed": false
          } ]
        }
        """);

    sealed record Written(IReadOnlyList<string?> Fingerprints, IReadOnlyList<string?> GitLabIds, IReadOnlyList<string?> GitLabImages, string Message);

    /// <summary>One ScanBuild-style gate: twistcli's file read, the policy applied, the reports written.</summary>
    static async Task<Written> GateAsync(TempDirectory root, string reportId, IReadOnlyList<string> destinations)
    {
        var result = await ScanResultReader.FromTwistcliOutputFileAsync(TwistcliFile(root, reportId));
        var reports = root.Combine("reports", reportId);
        var dockerfile = root.Write("services/api/Dockerfile", "FROM scratch\n");
        var identity = VerdictGate.IdentityOf(result, root.Path, destinations.Select(ImageReference.Parse).FirstOrDefault(), devRepository: null, dockerfile);
        var failure = await Assert.ThrowsAsync<VerdictFailedException>(() =>
            VerdictGate.ApplyAsync(result, identity, new CheckedVerdict(ScanPolicy.Default, ReportOptions.AllFormats, reports, "sha256:" + new string('0', 64)), root.Path, dockerfile, TimeProvider.System, CancellationToken.None));
        Assert.Equal(2, failure.Verdict.FailingFindings.Count);

        using var sarif = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, ReportWriter.SarifFileName)));
        using var gitlab = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, ReportWriter.GitLabFileName)));
        var vulnerabilities = gitlab.RootElement.GetProperty("vulnerabilities").EnumerateArray().ToList();
        return new Written(
            sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("partialFingerprints").GetProperty("kanikobuildFinding/v1").GetString()).ToList(),
            vulnerabilities.Select(v => v.GetProperty("id").GetString()).ToList(),
            vulnerabilities.Select(v => v.GetProperty("location").GetProperty("image").GetString()).ToList(),
            failure.Message);
    }

    [Fact]
    public async Task Two_runs_of_one_image_write_the_same_fingerprints_ids_and_image_and_another_image_differs()
    {
        using var root = new TempDirectory();
        var first = await GateAsync(root, "kanikobuild-20261128T100000Z-0a1b2c3d4e5f", ["registry.example.com/team/app:1.0"]);
        var second = await GateAsync(root, "kanikobuild-20261129T080000Z-f5e4d3c2b1a0", ["registry.example.com/team/app:1.1"]);
        var other = await GateAsync(root, "kanikobuild-20261129T090000Z-aaaaaaaaaaaa", ["registry.example.com/team/other:1.0"]);

        Assert.Equal(2, first.Fingerprints.Count);
        Assert.Equal(first.Fingerprints, second.Fingerprints);
        Assert.Equal(first.GitLabIds, second.GitLabIds);
        Assert.Equal(first.GitLabImages, second.GitLabImages);
        Assert.All(first.GitLabImages, image => Assert.Equal("registry.example.com/team/app", image));
        Assert.StartsWith("Scan verdict for registry.example.com/team/app: FAILED", first.Message, StringComparison.Ordinal);
        Assert.Contains("CVE-2021-3711", first.Message, StringComparison.Ordinal);

        Assert.Empty(first.Fingerprints.Intersect(other.Fingerprints));
        Assert.Empty(first.GitLabIds.Intersect(other.GitLabIds));
        Assert.All(other.GitLabImages, image => Assert.Equal("registry.example.com/team/other", image));
    }

    [Fact]
    public async Task Without_a_destination_the_image_is_named_by_its_dockerfile()
    {
        using var root = new TempDirectory();
        var first = await GateAsync(root, "kanikobuild-20261128T100000Z-0a1b2c3d4e5f", []);
        var second = await GateAsync(root, "kanikobuild-20261129T080000Z-f5e4d3c2b1a0", []);
        Assert.Equal(first.Fingerprints, second.Fingerprints);
        Assert.Equal(first.GitLabIds, second.GitLabIds);
        Assert.All(first.GitLabImages, image => Assert.Equal("services/api/Dockerfile", image));
    }

    [Fact]
    public void A_registry_result_is_named_by_the_dev_repository_without_its_tag()
    {
        using var document = JsonDocument.Parse("""{ "_id": "sha256:1", "repoTag": { "registry": "127.0.0.1:5000", "repo": "dev/team/app", "tag": "build-41" }, "vulnerabilities": [] }""");
        var result = ScanResultReader.FromRegistryEntry(document.RootElement);
        var identity = VerdictGate.IdentityOf(result, "/r", ImageReference.Parse("ignored.example.com/app"), devRepository: "127.0.0.1:5000/dev/team/app", dockerfilePath: null);
        Assert.Equal(("127.0.0.1:5000/dev/team/app", ImageIdentityBasis.Repository), (identity.Name, identity.Basis));
    }
}
