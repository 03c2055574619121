using System.Text.Json;

namespace KanikoBuild.Scanning.Tests;

public class RegistryReaderTests
{
    [Fact]
    public void Registry_entry_reads_cve_from_cve_not_the_integer_id()
    {
        var result = Fixtures.FromRegistry("registry-entries.json");

        Assert.Equal(ScanSource.RegistryApi, result.Source);
        Assert.Equal("dev.registry.example.com:5000/team/app:1.4.0", result.ImageName);
        Assert.Equal("sha256:3333333333333333333333333333333333333333333333333333333333333333", result.Digest);
        Assert.Equal("sha256:2222222222222222222222222222222222222222222222222222222222222222", result.ImageId);
        Assert.Equal("debian:bookworm", result.OperatingSystem);
        Assert.Equal("34.04.145", result.ScannerVersion);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 23, 5, 0, TimeSpan.Zero), result.CreationTime);
        Assert.Null(result.VulnerabilityScanPassed); // the API carries no Console verdict flag
        Assert.Equal(["openssl", "libexpat1", "requests"], result.Packages.Select(p => p.Name));
        Assert.Equal(["package", "package", "python"], result.Packages.Select(p => p.Type));

        Assert.Equal(["CVE-2018-20839", "CVE-2024-0727", "CVE-2023-52425", "CVE-2023-32681"], result.Vulnerabilities.Select(v => v.Id));
        Assert.Contains(result.Notes, n => n.Contains("without a CVE id", StringComparison.Ordinal));

        var systemd = result.Vulnerabilities[0];
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1558067340), systemd.Published);
        Assert.Null(systemd.FixDate);                       // 0 means none
        Assert.False(systemd.HasFix);
        Assert.Equal("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", systemd.Vector);
        Assert.Equal("os", systemd.PackageType);
        Assert.Equal(["Critical severity", "Attack vector: network"], systemd.RiskFactors);
        Assert.Equal("RUN apt-get install -y systemd", systemd.Layer);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1707523200), result.Vulnerabilities[1].FixDate);
        var expat = result.Vulnerabilities[2];
        Assert.Equal((Severity.High, "important"), (expat.Severity, expat.RawSeverity));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1717200000), expat.FixDate); // Unix time as a string
        Assert.Equal(Severity.Medium, result.Vulnerabilities[3].Severity);

        Assert.Equal([41L, 425L], result.ComplianceIssues.Select(c => c.Id!.Value)); // int and string ids
    }

    [Fact]
    public void Shortened_response_with_null_lists_and_stray_keys_reads_as_clean()
    {
        var result = Fixtures.FromRegistry("registry-shortened.json");
        Assert.Equal("dev.registry.example.com:5000/team/app:latest", result.ImageName);
        Assert.Empty(result.Vulnerabilities);
        Assert.Empty(result.ComplianceIssues);
        Assert.Empty(result.Packages);
        Assert.Null(result.Digest);
        Assert.Null(result.OperatingSystem);
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void Name_falls_back_to_underscore_id_when_it_is_a_reference()
    {
        using var doc = JsonDocument.Parse("""{"_id":"reg:5000/app:1","repoDigests":["reg:5000/app@sha256:abc"]}""");
        var result = ScanResultReader.FromRegistryEntry(doc.RootElement);
        Assert.Equal("reg:5000/app:1", result.ImageName);
        Assert.Equal("sha256:abc", result.Digest);

        using var byId = JsonDocument.Parse("""{"_id":"sha256:def"}""");
        Assert.Null(ScanResultReader.FromRegistryEntry(byId.RootElement).ImageName);
    }

    [Fact]
    public void A_non_object_entry_is_an_error()
    {
        using var doc = JsonDocument.Parse("[1]");
        var e = Assert.Throws<PipelineException>(() => ScanResultReader.FromRegistryEntry(doc.RootElement));
        Assert.Contains("must be a JSON object", e.Message, StringComparison.Ordinal);
    }
}
