using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace KanikoBuild.Scanning;

/// <summary>
/// JUnit XML, the one test-report format Jenkins, GitLab (<c>artifacts:reports:junit</c>) and Azure Pipelines
/// (PublishTestResults) all read: one failing test case per finding over the policy, allowed findings as skipped
/// cases, and a "verdict" case that passes when the image is clean and otherwise lists every reason.
/// </summary>
static class JUnitReport
{
    public static string Render(ScanResult result, Verdict verdict)
    {
        var cases = new List<XElement>
        {
            Case("scan.policy", "verdict", verdict.Passed ? null : Failure("policy", string.Join("; ", verdict.Reasons), string.Join("\n", verdict.Reasons))),
        };
        foreach (var v in verdict.FailingFindings)
        {
            var message = $"{v.Id} ({v.RawSeverity ?? v.Severity.Name()}) in {v.PackageName.Or("?")} {Text.Upgrade(v)}";
            cases.Add(Case($"vulnerabilities.{v.Severity.Name()}", $"{v.Id} in {v.PackageName.Or("?")} {v.PackageVersion}".TrimEnd(),
                Failure(v.Severity.Name(), message, Details(v))));
        }
        foreach (var c in verdict.FailingCompliance)
        {
            var id = c.Id?.ToString(CultureInfo.InvariantCulture) ?? "-";
            cases.Add(Case($"compliance.{c.Severity.Name()}", $"{id} {c.Title.Or("(untitled)")}",
                Failure(c.Severity.Name(), $"compliance {id}: {c.Title}", $"{c.Title}\n{c.Cause}\n{c.Description}".Trim())));
        }
        foreach (var a in verdict.AllowedFindings)
        {
            cases.Add(Case($"vulnerabilities.{a.Finding.Severity.Name()}", $"{a.Finding.Id} in {a.Finding.PackageName.Or("?")} {a.Finding.PackageVersion}".TrimEnd(),
                new XElement("skipped", new XAttribute("message", $"allowed until {a.Entry.Expires:yyyy-MM-dd}: {a.Entry.Reason}"))));
        }

        var failures = cases.Count(c => c.Element("failure") is not null);
        var skipped = cases.Count(c => c.Element("skipped") is not null);
        var timestamp = (result.ScanTime ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        // The suite is named by the image identity, so test history follows the image from run to run.
        var suiteName = $"Prisma Cloud scan: {result.Identity.Name}";
        var suite = new XElement("testsuite",
            new XAttribute("name", suiteName),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", skipped),
            new XAttribute("time", "0"),
            new XAttribute("timestamp", timestamp),
            new XElement("properties",
                Property("image", result.Identity.Name),
                Property("scannedName", result.ImageName == result.Identity.Name ? null : result.ImageName),
                Property("digest", result.Digest),
                Property("imageId", result.ImageId),
                Property("os", result.OperatingSystem),
                Property("source", result.Source.ToString()),
                Property("policy", verdict.Policy.SourcePath ?? "defaults"),
                Property("failOn", verdict.Policy.FailOn.ToString())),
            cases);
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites",
                new XAttribute("name", "Prisma Cloud scan"),
                new XAttribute("tests", cases.Count),
                new XAttribute("failures", failures),
                new XAttribute("errors", 0),
                new XAttribute("skipped", skipped),
                suite));

        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), CheckCharacters = false };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
            document.Save(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    static XElement Case(string className, string name, XElement? outcome) =>
        new("testcase", new XAttribute("classname", className), new XAttribute("name", Clean(name)), new XAttribute("time", "0"), outcome);

    static XElement Failure(string type, string message, string body) =>
        new("failure", new XAttribute("type", type), new XAttribute("message", Clean(message)), Clean(body));

    static XElement? Property(string name, string? value) =>
        value is null ? null : new XElement("property", new XAttribute("name", name), new XAttribute("value", Clean(value)));

    static string Details(Vulnerability v)
    {
        var lines = new List<string>
        {
            $"CVE: {v.Id}",
            $"Severity: {v.RawSeverity ?? v.Severity.Name()} (normalised {v.Severity.Name()}){(v.Cvss is { } cvss ? $", CVSS {Text.Number(cvss)}" : "")}",
            $"Package: {v.PackageName.Or("?")} {v.PackageVersion} {(v.PackageType is { } t ? $"({t})" : "")}".TrimEnd(),
            $"Fix: {v.Status.Or("not fixed")}",
        };
        if (v.PackagePath is { } path)
            lines.Add($"Path: {path}");
        if (v.Layer is { } layer)
            lines.Add($"Layer: {layer}");
        if (v.Link is { } link)
            lines.Add($"Link: {link}");
        if (v.Description is { } description)
            lines.AddRange(["", Text.Truncate(description, 4000)]);
        return string.Join("\n", lines);
    }

    // XML 1.0 cannot carry most control characters; Prisma descriptions sometimes contain them.
    static string Clean(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var ch in value)
            builder.Append(XmlConvert.IsXmlChar(ch) || char.IsSurrogate(ch) ? ch : ' ');
        return builder.ToString();
    }
}
