using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace KanikoBuild.Scanning;

/// <summary>
/// What a verdict-producing target leaves when it ends without a verdict (a malformed policy, a tool or Console
/// error, a cancelled run): a summary and a JUnit file that say "no verdict" and why, the JUnit case an
/// <c>&lt;error&gt;</c> (not a failure: nothing was judged), so a CI job that publishes reports on failure never
/// publishes an older pass. Only the formats chosen are written, and the other report files stay absent.
/// </summary>
public static class NoVerdictReport
{
    /// <summary>Removes every report file a verdict-producing target owns (<see cref="ReportWriter.OwnedFileNames"/>) from <paramref name="directory"/>.</summary>
    public static void Clear(string directory)
    {
        if (!Directory.Exists(directory))
            return;
        foreach (var name in ReportWriter.OwnedFileNames)
        {
            var path = Path.Combine(directory, name);
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PipelineException($"Cannot remove the earlier report '{path}' ({e.Message}); a stale report must not outlive this run: check {ParameterName.Of<VerdictOptions>(nameof(VerdictOptions.ReportsDir))} and its permissions.", e);
            }
        }
    }

    /// <param name="subject">What was to be judged (the target and image), for the reader.</param>
    /// <param name="reason">Why there is no verdict: the error's message.</param>
    public static async Task<IReadOnlyList<string>> WriteAsync(string directory, IReadOnlySet<ReportFormat> formats, string subject, string reason, CancellationToken ct = default)
    {
        var files = new List<string>();
        if (!formats.Contains(ReportFormat.Markdown) && !formats.Contains(ReportFormat.JUnit))
            return files;
        Directory.CreateDirectory(directory);
        if (formats.Contains(ReportFormat.Markdown))
        {
            var path = Path.Combine(directory, ReportWriter.MarkdownFileName);
            await File.WriteAllTextAsync(path, Markdown(subject, reason), ct).ConfigureAwait(false);
            files.Add(path);
        }
        if (formats.Contains(ReportFormat.JUnit))
        {
            var path = Path.Combine(directory, ReportWriter.JUnitFileName);
            await File.WriteAllTextAsync(path, JUnit(subject, reason), ct).ConfigureAwait(false);
            files.Add(path);
        }
        return files;
    }

    static string Markdown(string subject, string reason) =>
        $"## ⚠️ Prisma Cloud scan: no verdict for {subject}\n\nThe run ended before a verdict was reached, so nothing was judged and nothing may ship on it:\n\n```\n{reason.Replace("```", "'''", StringComparison.Ordinal)}\n```\n";

    static string JUnit(string subject, string reason)
    {
        var message = Clean(reason);
        var testCase = new XElement("testcase", new XAttribute("classname", "scan.policy"), new XAttribute("name", "verdict"), new XAttribute("time", "0"),
            new XElement("error", new XAttribute("type", "no-verdict"), new XAttribute("message", $"no verdict: {message}"), message));
        var suite = new XElement("testsuite", new XAttribute("name", Clean($"Prisma Cloud scan: {subject}")), new XAttribute("tests", 1), new XAttribute("failures", 0),
            new XAttribute("errors", 1), new XAttribute("skipped", 0), new XAttribute("time", "0"), testCase);
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("name", "Prisma Cloud scan"), new XAttribute("tests", 1), new XAttribute("failures", 0), new XAttribute("errors", 1), suite));
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), CheckCharacters = false };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
            document.Save(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    static string Clean(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var ch in value)
            builder.Append(XmlConvert.IsXmlChar(ch) || char.IsSurrogate(ch) ? ch : ' ');
        return builder.ToString();
    }
}
