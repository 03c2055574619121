namespace KanikoBuild.Scanning.Tests;

public class TwistcliReaderTests
{
    [Fact]
    public void Documented_file_reads_image_findings_compliance_and_console_flags()
    {
        var result = Fixtures.Twistcli("twistcli-documented.json");

        Assert.Equal(ScanSource.TwistcliFile, result.Source);
        Assert.Equal("registry.example.com/team/app:1.4.0", result.ImageName);
        Assert.Equal("sha256:0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c", result.Digest);
        Assert.StartsWith("sha256:7f2a", result.ImageId);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", result.OperatingSystem);
        Assert.Equal(3, result.Packages.Count);
        Assert.Equal("/usr/local/bin/app", result.Packages[2].Path);
        Assert.False(result.VulnerabilityScanPassed);
        Assert.True(result.ComplianceScanPassed);
        Assert.Equal(new DateTimeOffset(2024, 2, 2, 11, 30, 5, 123, TimeSpan.Zero), result.ScanTime);
        Assert.StartsWith("https://console.example.com/", result.ConsoleUrl);
        Assert.Empty(result.Notes);

        var openssl = Assert.Single(result.Vulnerabilities, v => v.Id == "CVE-2024-0727");
        Assert.Equal(Severity.Medium, openssl.Severity);
        Assert.Equal(5.5, openssl.Cvss);
        Assert.Equal("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", openssl.Vector);
        Assert.True(openssl.HasFix);
        Assert.Equal(["3.0.13-1~deb12u1"], openssl.FixedVersions);
        Assert.Equal(new DateTimeOffset(2024, 2, 10, 0, 0, 0, TimeSpan.Zero), openssl.FixDate);
        Assert.Equal(new DateTimeOffset(2024, 1, 26, 9, 15, 0, TimeSpan.Zero), openssl.Published);
        Assert.Equal("RUN apt-get install -y openssl", openssl.Layer);
        Assert.Equal(["Has fix", "DoS - High", "Medium severity"], openssl.RiskFactors);

        var go = Assert.Single(result.Vulnerabilities, v => v.Id == "CVE-2023-44487");
        Assert.Equal("/usr/local/bin/app", go.PackagePath);
        Assert.Equal("COPY app /usr/local/bin/app", go.Layer);

        // "pass": true entries are passing checks, not issues; ids are numeric.
        Assert.Equal([41L, 425L], result.ComplianceIssues.Select(c => c.Id!.Value));
        Assert.All(result.ComplianceIssues, c => Assert.Equal(Severity.High, c.Severity));
        Assert.Equal("Found: /etc/ssl/private/test.key", result.ComplianceIssues[1].Cause);
    }

    [Fact]
    public void Awkward_file_is_read_leniently()
    {
        var result = Fixtures.Twistcli("twistcli-awkward.json");

        Assert.Empty(result.Packages);                   // null list
        Assert.Empty(result.ComplianceIssues);           // null list
        Assert.True(result.VulnerabilityScanPassed);     // the spelling real files use
        Assert.False(result.ComplianceScanPassed);       // a string "false"
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1706873405), result.ScanTime); // a Unix int
        Assert.Null(result.Digest);
        Assert.Contains(result.Notes, n => n == "1 vulnerability entry without an id was skipped.");

        var byId = result.Vulnerabilities.GroupBy(v => v.Id).ToDictionary(g => g.Key, g => g.ToList());
        var first = byId["CVE-2023-0001"].Single();
        Assert.Equal(["1.2", "1.3"], first.FixedVersions);
        Assert.Equal("1.2, 1.3", first.FixedVersion);
        Assert.Equal(["Attack vector: network", "Has fix", "Critical severity"], first.RiskFactors); // the older map shape
        Assert.Equal(new DateTimeOffset(2022, 8, 5, 7, 15, 0, TimeSpan.Zero), first.FixDate);      // "fixDate" spelling
        Assert.Null(first.Layer);                                                                  // kaniko's zero layer time

        Assert.Equal(7.5, byId["CVE-2023-0002"].Single().Cvss); // a number as a string
        Assert.Equal(Severity.High, byId["CVE-2023-0002"].Single().Severity);
        Assert.Equal(Severity.Medium, byId["CVE-2023-0003"].Single().Severity);
        Assert.False(byId["CVE-2023-0003"].Single().HasFix);
        Assert.Equal(Severity.Low, byId["CVE-2023-0004"].Single().Severity);
        Assert.Equal(Severity.Low, byId["CVE-2023-0005"].Single().Severity);
        Assert.Equal(Severity.Unknown, byId["CVE-2023-0006"].Single().Severity);
        Assert.Equal(Severity.Unknown, byId["CVE-2023-0007"].Single().Severity);
        var invented = byId["CVE-2023-0008"].Single();
        Assert.Equal((Severity.Unknown, "Sky-High"), (invented.Severity, invented.RawSeverity));
        Assert.Equal(["5.0"], invented.FixedVersions);   // "Fixed in" in another casing
        var bare = byId["CVE-2023-0009"].Single();
        Assert.Equal((Severity.Unknown, null, null, false), (bare.Severity, bare.Cvss, bare.PackageVersion, bare.HasFix));

        // The same CVE in two packages is two findings; the verbatim repeat is kept here and collapsed by the policy.
        Assert.Equal(3, byId["CVE-2023-1000"].Count);
        Assert.Equal(2, byId["CVE-2023-1000"].Select(v => v.Key).Distinct().Count());

        var nulls = byId["CVE-2023-0010"].Single();
        Assert.Equal(Severity.Low, nulls.Severity);
        Assert.Null(nulls.PackageName);
        Assert.Null(nulls.Discovered);
        Assert.Empty(nulls.RiskFactors);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1558067340), nulls.Published);
    }

    [Fact]
    public void Several_results_take_the_first_with_a_note_or_all()
    {
        var first = Fixtures.Twistcli("twistcli-two-results.json");
        Assert.Equal("first/image:1", first.ImageName);
        var note = Assert.Single(first.Notes);
        Assert.Contains("2 results", note, StringComparison.Ordinal);
        Assert.Contains("second/image:2", note, StringComparison.Ordinal);

        var all = ScanResultReader.AllFromTwistcliOutput(Fixtures.Read("twistcli-two-results.json"));
        Assert.Equal(["first/image:1", "second/image:2"], all.Select(r => r.ImageName));
        Assert.False(all[1].VulnerabilityScanPassed);
        Assert.All(all, r => Assert.Equal("https://console.example.com/", r.ConsoleUrl));
    }

    [Fact]
    public async Task Stream_and_file_read_the_same()
    {
        await using var stream = File.OpenRead(Fixtures.PathOf("twistcli-documented.json"));
        var fromStream = ScanResultReader.FromTwistcliOutput(stream);
        var fromFile = await ScanResultReader.FromTwistcliOutputFileAsync(Fixtures.PathOf("twistcli-documented.json"));
        Assert.Equal(fromStream.Vulnerabilities.Select(v => v.Key), fromFile.Vulnerabilities.Select(v => v.Key));
    }

    [Fact]
    public void Malformed_json_names_the_position()
    {
        var e = Assert.Throws<PipelineException>(() =>
            ScanResultReader.FromTwistcliOutput("{\n  \"results\": [\n    {\"name\": \"x\",, }\n  ]\n}", "out.json"));
        Assert.Contains("'out.json' is not valid JSON at line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("position", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_file_is_a_clear_error()
    {
        var json = Fixtures.Read("twistcli-documented.json");
        var e = Assert.Throws<PipelineException>(() => ScanResultReader.FromTwistcliOutput(json[..(json.Length / 2)]));
        Assert.Contains("not valid JSON at line", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"results\": []}")]
    [InlineData("{\"results\": null, \"consoleURL\": \"x\"}")]
    [InlineData("[]")]
    [InlineData("42")]
    public void A_document_without_results_is_an_error(string json)
    {
        var e = Assert.Throws<PipelineException>(() => ScanResultReader.FromTwistcliOutput(json));
        Assert.Contains("holds no scan result", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_an_error_naming_it()
    {
        var e = await Assert.ThrowsAsync<PipelineException>(() => ScanResultReader.FromTwistcliOutputFileAsync("/nonexistent/scan.json"));
        Assert.Contains("/nonexistent/scan.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_result_object_is_accepted()
    {
        var result = ScanResultReader.FromTwistcliOutput("""{"name":"solo:1","vulnerabilities":[{"id":"CVE-1","severity":"high"}]}""");
        Assert.Equal("solo:1", result.ImageName);
        Assert.Single(result.Vulnerabilities);
    }

    [Theory]
    [InlineData("fixed in 1.2.12-r2", true, new[] { "1.2.12-r2" })]
    [InlineData("fixed in 1.2, 1.3", true, new[] { "1.2", "1.3" })]
    [InlineData("fixed in 2.0 and 2.1", true, new[] { "2.0", "2.1" })]
    [InlineData("Fixed in: 1:1.2.13.dfsg-2", true, new[] { "1:1.2.13.dfsg-2" })]
    [InlineData("fixed", true, new string[0])]
    [InlineData("deferred", false, new string[0])]
    [InlineData("needed", false, new string[0])]
    [InlineData("will not fix", false, new string[0])]
    [InlineData("open", false, new string[0])]
    public void Fix_status_is_parsed(string status, bool hasFix, string[] versions)
    {
        var v = Fixtures.Finding("CVE-1", Severity.High, status: status);
        Assert.Equal(hasFix, v.HasFix);
        Assert.Equal(versions, v.FixedVersions);
    }
}
