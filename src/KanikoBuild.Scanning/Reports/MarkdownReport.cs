using System.Globalization;
using System.Text;

namespace KanikoBuild.Scanning;

/// <summary>
/// The Markdown summary (GitHub job summary, GitLab/Azure artifacts). The severity chart is a Mermaid pie, which
/// both GitHub and GitLab render inside a ```mermaid fence.
/// </summary>
static class MarkdownReport
{
    const int MaxRows = 100;

    public static string Render(ScanResult result, Verdict verdict, ScannedImageSection? scannedImage = null)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {(verdict.Passed ? "✅" : "❌")} Prisma Cloud scan {(verdict.Passed ? "passed" : "failed")}: `{Code(result.Identity.Name)}`");
        md.AppendLine();
        if (!string.IsNullOrWhiteSpace(result.ImageName) && result.ImageName != result.Identity.Name)
            md.AppendLine(CultureInfo.InvariantCulture, $"- Scanned as: `{Code(result.ImageName)}`");
        if (result.Digest is { } digest)
            md.AppendLine(CultureInfo.InvariantCulture, $"- Digest: `{Code(digest)}`");
        if (result.OperatingSystem is { } os)
            md.AppendLine(CultureInfo.InvariantCulture, $"- OS: {Cell(os)}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Scanned by: {(result.Source == ScanSource.TwistcliFile ? "twistcli" : "Prisma Cloud Compute registry scan")}{(result.ScanTime is { } t ? $" at {Text.Timestamp(t)}" : "")}");
        if (Text.IsWebLink(result.ConsoleUrl))
            md.AppendLine(CultureInfo.InvariantCulture, $"- [Open in the Console]({result.ConsoleUrl})");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Policy: {Cell(verdict.Policy.SourcePath is null ? "built-in defaults" : Path.GetFileName(verdict.Policy.SourcePath))}; fail on {verdict.Policy.FailOn}{(verdict.Policy.OnlyFixed ? "; only fixed" : "")}{(verdict.Policy.ConsoleVerdict ? "; Console verdict on" : "; Console verdict off")}");
        md.AppendLine();

        if (!verdict.Passed)
        {
            md.AppendLine("**Why it failed**");
            md.AppendLine();
            foreach (var reason in verdict.Reasons)
                md.AppendLine(CultureInfo.InvariantCulture, $"- {Cell(reason)}");
            md.AppendLine();
        }

        md.AppendLine("| Severity | Total | Counted | Allowed | No fix | Limit |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var c in verdict.VulnerabilityCounts)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {(c.OverLimit ? "**" + c.Severity.Name() + "**" : c.Severity.Name())} | {c.Total} | {c.Counted} | {c.Allowed} | {c.Unfixed} | {(c.Limit is { } l ? l.ToString(CultureInfo.InvariantCulture) : "–")} |");
        }
        md.AppendLine();

        var slices = verdict.VulnerabilityCounts.Where(c => c.Total > 0).ToList();
        if (slices.Count > 0)
        {
            // Mermaid's pie needs positive values; empty severities are left out.
            md.AppendLine("```mermaid");
            md.AppendLine("pie title Vulnerabilities by severity");
            foreach (var c in slices)
                md.AppendLine(CultureInfo.InvariantCulture, $"    \"{c.Severity.Name()}\" : {c.Total}");
            md.AppendLine("```");
        }
        else
        {
            md.AppendLine("No vulnerabilities found.");
        }
        md.AppendLine();

        if (verdict.FailingFindings.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### Findings that fail the policy ({verdict.FailingFindings.Count})");
            md.AppendLine();
            FindingTable(md, verdict.FailingFindings);
        }
        if (verdict.FailingCompliance.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### Compliance issues that fail the policy ({verdict.FailingCompliance.Count})");
            md.AppendLine();
            md.AppendLine("| Id | Severity | Title | Cause |");
            md.AppendLine("|---:|---|---|---|");
            foreach (var c in verdict.FailingCompliance.Take(MaxRows))
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Id?.ToString(CultureInfo.InvariantCulture) ?? ""} | {c.Severity.Name()} | {Cell(c.Title)} | {Cell(c.Cause)} |");
            md.AppendLine();
        }
        if (verdict.AllowedFindings.Count > 0 || verdict.ExpiredAllowances.Count > 0)
        {
            md.AppendLine("### Allow-list");
            md.AppendLine();
            md.AppendLine("| CVE | Severity | Package | Until | Reason |");
            md.AppendLine("|---|---|---|---|---|");
            foreach (var a in verdict.AllowedFindings.Take(MaxRows))
                md.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(a.Finding.Id)} | {a.Finding.Severity.Name()} | {Cell(a.Finding.PackageName)} | {a.Entry.Expires:yyyy-MM-dd} | {Cell(a.Entry.Reason)} |");
            foreach (var e in verdict.ExpiredAllowances.Take(MaxRows))
                md.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(e.Finding.Id)} | {e.Finding.Severity.Name()} | {Cell(e.Finding.PackageName)} | **expired {e.Entry.Expires:yyyy-MM-dd}, counts again** | {Cell(e.Entry.Reason)} |");
            md.AppendLine();
        }
        if (verdict.Notes.Count > 0)
        {
            foreach (var note in verdict.Notes)
                md.AppendLine(CultureInfo.InvariantCulture, $"> {Cell(note)}");
            md.AppendLine();
        }
        if (result.Vulnerabilities.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"<details><summary>All findings ({result.Vulnerabilities.Count})</summary>");
            md.AppendLine();
            FindingTable(md, result.Vulnerabilities.OrderByDescending(v => v.Severity).ThenByDescending(v => v.Cvss ?? -1).ToList());
            md.AppendLine("</details>");
            md.AppendLine();
        }
        if (scannedImage is not null)
            ScannedImage(md, result, scannedImage);
        md.AppendLine(CultureInfo.InvariantCulture, $"_{Cell(PolicyEvaluator.OneLine(result, verdict))}_");
        return md.ToString();
    }

    /// <summary>The layers next to the findings, and after a push the shipped = scanned proof with both digests.</summary>
    static void ScannedImage(StringBuilder md, ScanResult result, ScannedImageSection image)
    {
        if (image.Shipped.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### {(image.ShippedEqualsScanned ? "✅ Shipped = scanned" : "❌ Shipped ≠ scanned")}");
            md.AppendLine();
            md.AppendLine("Read back from each destination after the push: the manifest's config digest against the scanned image ID, its layers against the tarball's.");
            md.AppendLine();
            md.AppendLine("| Destination | Manifest digest | Config digest (shipped) | Image ID (scanned) | Layers | Shipped = scanned |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var s in image.Shipped)
            {
                var layers = s.LayerDigests.SequenceEqual(s.ScannedLayerDigests, StringComparer.Ordinal)
                    ? $"{s.LayerDigests.Count} = the tarball's"
                    : $"{s.LayerDigests.Count} shipped, {s.ScannedLayerDigests.Count} scanned, **different**";
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| `{Code(s.Destination)}` | `{Code(s.ManifestDigest)}` | `{Code(s.ConfigDigest)}` | `{Code(s.ScannedImageId)}` | {layers} | {(s.ShippedEqualsScanned ? "yes" : "**no**")} |");
            }
            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"### Layers of the scanned image `{Code(image.ImageId)}` ({image.Layers.Count})");
        md.AppendLine();
        md.AppendLine("| # | Digest | Size | Instruction | Findings |");
        md.AppendLine("|---:|---|---:|---|---|");
        foreach (var layer in image.Layers)
        {
            // A finding names its layer by instruction when the scanner could map it; count those per layer.
            var mapped = layer.Instruction is null ? 0 : result.Vulnerabilities.Count(v => v.Layer == layer.Instruction);
            var findings = mapped > 0 ? mapped.ToString(CultureInfo.InvariantCulture) : image.FindingsLayerNote is null ? "0" : "not given by the scanner";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {layer.Number} | `{Code(layer.Digest)}` | {Text.Bytes(layer.Size)} | {(layer.Instruction is null ? "unknown" : $"`{Code(Cell(layer.Instruction))}`")} | {findings} |");
        }
        md.AppendLine();
        if (image.InstructionsNote is { } instructions)
            md.AppendLine(CultureInfo.InvariantCulture, $"> {Cell(instructions)}");
        var unmapped = result.Vulnerabilities.Count(v => v.Layer is null);
        if (image.FindingsLayerNote is { } note && unmapped > 0)
            md.AppendLine(CultureInfo.InvariantCulture, $"> {unmapped} of {result.Vulnerabilities.Count} findings have no layer. {Cell(note)}");
        md.AppendLine();
    }

    static void FindingTable(StringBuilder md, IReadOnlyList<Vulnerability> findings)
    {
        md.AppendLine("| CVE | Severity | CVSS | Package | Installed | Fixed in |");
        md.AppendLine("|---|---|---:|---|---|---|");
        foreach (var v in findings.Take(MaxRows))
        {
            var id = Text.IsWebLink(v.Link) ? $"[{Cell(v.Id)}]({v.Link})" : Cell(v.Id);
            var fixedIn = v.FixedVersion ?? (v.HasFix ? "fixed" : v.Status is { } s ? $"no fix ({s})" : "no fix");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {id} | {Cell(v.RawSeverity ?? v.Severity.Name())} | {Text.Number(v.Cvss)} | {Cell(v.PackageName)} | {Cell(v.PackageVersion)} | {Cell(fixedIn)} |");
        }
        if (findings.Count > MaxRows)
            md.AppendLine(CultureInfo.InvariantCulture, $"| … {findings.Count - MaxRows} more in the JSON report | | | | | |");
        md.AppendLine();
    }

    // Table cells: one line, pipes escaped, HTML defused.
    static string Cell(string? value) =>
        (value ?? "").Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    static string Code(string value) => value.Replace("`", "'", StringComparison.Ordinal);
}
