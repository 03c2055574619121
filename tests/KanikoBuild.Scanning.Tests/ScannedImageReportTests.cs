using System.Text.Json;
using KanikoBuild.Testing;
using Serilog.Core;
using static KanikoBuild.Scanning.Tests.Fixtures;

namespace KanikoBuild.Scanning.Tests;

/// <summary>Alternative C's part of the Markdown and JSON reports: the layer view next to the findings and the shipped = scanned proof.</summary>
public sealed class ScannedImageReportTests
{
    const string ImageId = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const string Layer1 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    const string Layer2 = "sha256:3333333333333333333333333333333333333333333333333333333333333333";
    const string Manifest = "sha256:4444444444444444444444444444444444444444444444444444444444444444";
    const string Other = "sha256:5555555555555555555555555555555555555555555555555555555555555555";

    static ScannedImageSection Section(params ShippedImageEvidence[] shipped) => new()
    {
        ImageId = ImageId,
        Layers = [new ReportLayer(1, Layer1, 2 * 1024 * 1024, "COPY rootfs /"), new ReportLayer(2, Layer2, 300, "RUN apk add | tee log")],
        FindingsLayerNote = "The scanner gives no layer for these findings.",
        Shipped = shipped,
    };

    static async Task<(string Markdown, JsonElement Json, TempDirectory Dir)> WriteAsync(ScannedImageSection? section)
    {
        var result = Result(Finding("CVE-2021-3711", Severity.Critical, "openssl", "1.1.1k-r0"));
        var verdict = PolicyEvaluator.Evaluate(result, ScanPolicy.Default, new DateOnly(2026, 12, 1));
        var dir = new TempDirectory();
        await ReportWriter.WriteAsync(result, verdict, new ReportOptions
        {
            Directory = dir.Path, StepSummaryPath = null, ScannedImage = section,
            Formats = new HashSet<ReportFormat> { ReportFormat.Markdown, ReportFormat.Json },
        }, Logger.None);
        var markdown = await File.ReadAllTextAsync(dir.Combine(ReportWriter.MarkdownFileName));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dir.Combine(ReportWriter.JsonFileName)));
        return (markdown, json.RootElement.Clone(), dir);
    }

    [Fact]
    public async Task Before_the_push_the_layers_stand_next_to_the_findings_and_say_the_scanner_gives_no_layer()
    {
        var (markdown, json, dir) = await WriteAsync(Section());
        using var cleanup = dir;

        Assert.Contains($"### Layers of the scanned image `{ImageId}` (2)", markdown, StringComparison.Ordinal);
        Assert.Contains($"| 1 | `{Layer1}` | 2.0 MB | `COPY rootfs /` | not given by the scanner |", markdown, StringComparison.Ordinal);
        // A pipe in an instruction must not break the table.
        Assert.Contains("`RUN apk add \\| tee log`", markdown, StringComparison.Ordinal);
        Assert.Contains("> 1 of 1 findings have no layer. The scanner gives no layer for these findings.", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Shipped", markdown, StringComparison.Ordinal);

        var image = json.GetProperty("scannedImage");
        Assert.Equal(ImageId, image.GetProperty("imageId").GetString());
        Assert.Equal(Layer2, image.GetProperty("layers")[1].GetProperty("digest").GetString());
        Assert.Equal(1, image.GetProperty("findingsWithoutLayer").GetInt32());
        Assert.False(image.TryGetProperty("shipped", out _));
    }

    [Fact]
    public async Task After_the_push_shipped_equals_scanned_is_written_with_both_digests()
    {
        var (markdown, json, dir) = await WriteAsync(Section(new ShippedImageEvidence("reg/team/app:1", Manifest, ImageId, ImageId, [Layer1, Layer2], [Layer1, Layer2])));
        using var cleanup = dir;

        Assert.Contains("### ✅ Shipped = scanned", markdown, StringComparison.Ordinal);
        Assert.Contains($"| `reg/team/app:1` | `{Manifest}` | `{ImageId}` | `{ImageId}` | 2 = the tarball's | yes |", markdown, StringComparison.Ordinal);
        var image = json.GetProperty("scannedImage");
        Assert.True(image.GetProperty("shippedEqualsScanned").GetBoolean());
        var shipped = image.GetProperty("shipped")[0];
        Assert.Equal(ImageId, shipped.GetProperty("configDigest").GetString());
        Assert.Equal(ImageId, shipped.GetProperty("scannedImageId").GetString());
        Assert.Equal(Manifest, shipped.GetProperty("manifestDigest").GetString());
    }

    [Fact]
    public async Task A_different_config_is_shown_as_shipped_not_equal_to_scanned()
    {
        var (markdown, json, dir) = await WriteAsync(Section(new ShippedImageEvidence("reg/team/app:1", Manifest, Other, ImageId, [Layer1], [Layer1, Layer2])));
        using var cleanup = dir;

        Assert.Contains("### ❌ Shipped ≠ scanned", markdown, StringComparison.Ordinal);
        Assert.Contains("1 shipped, 2 scanned, **different**", markdown, StringComparison.Ordinal);
        Assert.False(json.GetProperty("scannedImage").GetProperty("shippedEqualsScanned").GetBoolean());
    }

    [Fact]
    public async Task Without_a_scanned_image_the_reports_have_no_such_section()
    {
        var (markdown, json, dir) = await WriteAsync(null);
        using var cleanup = dir;

        Assert.DoesNotContain("Layers of the scanned image", markdown, StringComparison.Ordinal);
        Assert.False(json.TryGetProperty("scannedImage", out _));
    }
}
