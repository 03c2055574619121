using System.Text.Json;
using System.Xml.Linq;
using static KanikoBuild.Scanning.Tests.Fixtures;

namespace KanikoBuild.Scanning.Tests;

/// <summary>
/// Code scanning and GitLab's vulnerability report track a finding across pipeline runs by its fingerprint, id and
/// image; the same CVE in the same image must stay one finding however often the image is scanned.
/// </summary>
public class ReportIdentityTests
{
    static readonly DateOnly Today = new(2026, 11, 28);

    /// <summary>What twistcli --containerized writes: the result is named by the scan's last argument, the per-run report id.</summary>
    static ScanResult ContainerizedScan(string reportId) => ScanResultReader.FromTwistcliOutput($$"""
        {
          "results": [ {
            "id": "", "name": "{{reportId}}", "distro": "alpine", "distroRelease": "3.14.0", "digest": "",
            "vulnerabilities": [
              { "id": "CVE-2021-3711", "severity": "critical", "status": "fixed in 1.1.1l-r0", "cvss": 9.8, "packageName": "openssl", "packageVersion": "1.1.1k-r0" },
              { "id": "CVE-2023-45853", "severity": "unimportant", "status": "deferred", "cvss": 9.8, "packageName": "zlib", "packageVersion": "1.2.11-r3" }
            ],
            "vulnerabilityScanPassed": false,
            "scanTime": "2026-11-28T10:00:00Z"
          } ]
        }
        """);

    sealed record Identities(IReadOnlyList<string?> Fingerprints, IReadOnlyList<string?> GitLabIds, IReadOnlyList<string?> GitLabImages, string JUnitSuite, string MarkdownHeading, string JsonImage, string SarifImage);

    static Identities Render(ScanResult result)
    {
        var verdict = PolicyEvaluator.Evaluate(result, ScanPolicy.Default, Today);
        using var sarif = JsonDocument.Parse(SarifReport.Render(result, verdict, "samples/app-vulnerable/Dockerfile"));
        using var gitlab = JsonDocument.Parse(GitLabReport.Render(result, verdict, TimeProvider.System));
        using var json = JsonDocument.Parse(JsonReport.Render(result, verdict));
        var run = sarif.RootElement.GetProperty("runs")[0];
        var vulnerabilities = gitlab.RootElement.GetProperty("vulnerabilities").EnumerateArray().ToList();
        return new Identities(
            run.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("partialFingerprints").GetProperty("kanikobuildFinding/v1").GetString()).ToList(),
            vulnerabilities.Select(v => v.GetProperty("id").GetString()).ToList(),
            vulnerabilities.Select(v => v.GetProperty("location").GetProperty("image").GetString()).ToList(),
            XDocument.Parse(JUnitReport.Render(result, verdict)).Descendants("testsuite").Single().Attribute("name")!.Value,
            MarkdownReport.Render(result, verdict).Split('\n')[0],
            json.RootElement.GetProperty("result").GetProperty("identity").GetProperty("name").GetString()!,
            run.GetProperty("properties").GetProperty("image").GetString()!);
    }

    [Fact]
    public void Two_scans_of_one_image_with_different_report_ids_name_every_finding_alike()
    {
        var first = ContainerizedScan("kanikobuild-20261128T100000Z-0a1b2c3d4e5f") with { Identity = ImageIdentity.OfRepository("registry.example.com/team/app:1.0") };
        var second = ContainerizedScan("kanikobuild-20261129T080000Z-f5e4d3c2b1a0") with { Identity = ImageIdentity.OfRepository("registry.example.com/team/app:1.1@sha256:" + new string('b', 64)) };

        var a = Render(first);
        var b = Render(second);

        Assert.Equal(2, a.Fingerprints.Count);
        Assert.Equal(a.Fingerprints, b.Fingerprints);
        Assert.Equal(a.GitLabIds, b.GitLabIds);
        Assert.Equal(a.GitLabImages, b.GitLabImages);
        Assert.All(a.GitLabImages, image => Assert.Equal("registry.example.com/team/app", image));
        Assert.Equal((a.JUnitSuite, a.MarkdownHeading, a.JsonImage, a.SarifImage), (b.JUnitSuite, b.MarkdownHeading, b.JsonImage, b.SarifImage));
        Assert.Equal("Prisma Cloud scan: registry.example.com/team/app", a.JUnitSuite);
        Assert.EndsWith("`registry.example.com/team/app`", a.MarkdownHeading, StringComparison.Ordinal);
        Assert.DoesNotContain("kanikobuild-2026", PolicyEvaluator.OneLine(first, PolicyEvaluator.Evaluate(first, ScanPolicy.Default, Today)), StringComparison.Ordinal);
    }

    [Fact]
    public void Different_images_give_different_fingerprints_ids_and_images()
    {
        var scan = ContainerizedScan("kanikobuild-20261128T100000Z-0a1b2c3d4e5f");
        var app = Render(scan with { Identity = ImageIdentity.OfRepository("registry.example.com/team/app:1.0") });
        var other = Render(scan with { Identity = ImageIdentity.OfRepository("registry.example.com/team/other:1.0") });
        var dockerfile = Render(scan with { Identity = ImageIdentity.OfDockerfile("./services/api/Dockerfile") });

        Assert.Empty(app.Fingerprints.Intersect(other.Fingerprints));
        Assert.Empty(app.GitLabIds.Intersect(other.GitLabIds));
        Assert.Empty(app.Fingerprints.Intersect(dockerfile.Fingerprints));
        Assert.NotEqual(app.GitLabImages[0], other.GitLabImages[0]);
        Assert.All(dockerfile.GitLabImages, image => Assert.Equal("services/api/Dockerfile", image));
    }

    [Fact]
    public void Without_an_identity_the_per_run_name_shows_which_is_why_the_pipeline_always_sets_one()
    {
        // The fallback keeps a registry result's repository (tags do not matter) but cannot make a per-run name stable.
        var a = Render(ContainerizedScan("kanikobuild-20261128T100000Z-0a1b2c3d4e5f"));
        var b = Render(ContainerizedScan("kanikobuild-20261129T080000Z-f5e4d3c2b1a0"));
        Assert.Empty(a.Fingerprints.Intersect(b.Fingerprints));
        Assert.Equal(ImageIdentityBasis.ScannedName, ContainerizedScan("x").Identity.Basis);
    }

    [Theory]
    [InlineData("registry.example.com/team/app", "registry.example.com/team/app")]
    [InlineData("registry.example.com/team/app:1.4.0", "registry.example.com/team/app")]
    [InlineData("127.0.0.1:5000/dev/samples/app:sandbox", "127.0.0.1:5000/dev/samples/app")]
    [InlineData("127.0.0.1:5000/app@sha256:0123", "127.0.0.1:5000/app")]
    [InlineData("127.0.0.1:5000/app:1@sha256:0123", "127.0.0.1:5000/app")]
    [InlineData(" team/app:latest ", "team/app")]
    public void A_repository_identity_drops_the_tag_and_the_digest_but_keeps_the_port(string reference, string expected) =>
        Assert.Equal(expected, ImageIdentity.OfRepository(reference).Name);
}
