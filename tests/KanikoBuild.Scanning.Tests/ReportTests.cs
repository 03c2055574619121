using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using KanikoBuild.Testing;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using static KanikoBuild.Scanning.Tests.Fixtures;

namespace KanikoBuild.Scanning.Tests;

public class ReportTests
{
    static readonly DateOnly Today = new(2026, 11, 28);

    sealed class Capture : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];
        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
        public IEnumerable<string> Lines => Events.Select(e => e.RenderMessage());
    }

    static (ScanResult Result, Verdict Verdict) Failing()
    {
        var result = Twistcli("twistcli-documented.json");
        var policy = ScanPolicy.Default with { Allow = [new AllowEntry("CVE-2024-0727", "only reachable through PKCS12 import, which the app never does", new DateOnly(2026, 12, 31))] };
        return (result, PolicyEvaluator.Evaluate(result, policy, Today));
    }

    static (ScanResult Result, Verdict Verdict) Clean()
    {
        var result = FromRegistry("registry-shortened.json");
        return (result, PolicyEvaluator.Evaluate(result, ScanPolicy.Default, Today));
    }

    static async Task<(TempDirectory Dir, IReadOnlyList<string> Files, Capture Log)> Write(ScanResult result, Verdict verdict, Func<ReportOptions, ReportOptions>? configure = null)
    {
        var dir = new TempDirectory();
        var capture = new Capture();
        var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(capture).CreateLogger();
        var options = new ReportOptions { Directory = dir.Combine("reports"), StepSummaryPath = null };
        if (configure is not null)
            options = configure(options);
        var files = await ReportWriter.WriteAsync(result, verdict, options, logger);
        return (dir, files, capture);
    }

    [Fact]
    public async Task All_formats_are_written_by_default()
    {
        var (result, verdict) = Failing();
        var (dir, files, _) = await Write(result, verdict);
        using var _1 = dir;
        Assert.Equal(
            [ReportWriter.MarkdownFileName, ReportWriter.JUnitFileName, ReportWriter.SarifFileName, ReportWriter.GitLabFileName, ReportWriter.JsonFileName],
            files.Select(Path.GetFileName));
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 0));
    }

    [Fact]
    public async Task Only_the_chosen_formats_are_written()
    {
        var (result, verdict) = Failing();
        var formats = ReportOptions.ParseFormats(["sarif,GitLab", "log"]);
        var (dir, files, log) = await Write(result, verdict, o => o with { Formats = formats });
        using var _1 = dir;
        Assert.Equal([ReportWriter.SarifFileName, ReportWriter.GitLabFileName], files.Select(Path.GetFileName));
        Assert.NotEmpty(log.Events);

        var (dir2, files2, log2) = await Write(result, verdict, o => o with { Formats = ReportOptions.ParseFormats(["json"]) });
        using var _2 = dir2;
        Assert.Equal([ReportWriter.JsonFileName], files2.Select(Path.GetFileName));
        Assert.DoesNotContain(log2.Lines, l => l.StartsWith("Scan verdict", StringComparison.Ordinal));
    }

    [Fact]
    public void Report_format_names_are_checked()
    {
        Assert.Equal(ReportOptions.AllFormats, ReportOptions.ParseFormats([]));
        Assert.Equal(ReportOptions.AllFormats, ReportOptions.ParseFormats(["all"]));
        var e = Assert.Throws<PipelineException>(() => ReportOptions.ParseFormats(["sarif", "html"]));
        Assert.Contains("'html' is not a report format", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_has_the_table_the_failing_findings_and_ends_with_the_verdict_line()
    {
        var (result, verdict) = Failing();
        var (dir, _, log) = await Write(result, verdict);
        using var _1 = dir;
        var lines = log.Lines.ToList();

        Assert.Contains(lines, l => Regex.IsMatch(l, @"^severity\s+total\s+counted\s+allowed\s+no fix\s+limit$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^critical\s+1\s+1\s+0\s+0\s+0  over the limit$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^medium\s+1\s+0\s+1\s+0\s+-$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\s+CVE-2023-45853\s+critical\s+zlib1g 1:1\.2\.13\.dfsg-1 → 1:1\.2\.13\.dfsg-2$"));
        Assert.Contains(lines, l => l.Contains("allowed CVE-2024-0727 (medium, openssl) until 2026-12-31: only reachable", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains('"', StringComparison.Ordinal) && l.StartsWith("\"", StringComparison.Ordinal));

        var last = log.Events[^1];
        Assert.Equal(LogEventLevel.Error, last.Level);
        var verdictLine = last.RenderMessage();
        Assert.StartsWith("Scan verdict for registry.example.com/team/app:1.4.0: FAILED, 1 critical vulnerability counted", verdictLine, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', verdictLine);
    }

    [Theory]
    [InlineData("deferred")]
    [InlineData("will not fix")]
    [InlineData("open")]
    [InlineData("needed")]
    [InlineData(null)]
    public async Task A_finding_marked_no_fix_is_counted_in_the_no_fix_column_whatever_the_policy(string? status)
    {
        var result = Result(Finding("CVE-NOFIX", Severity.Critical, "zlib", "1.2.11", status), Finding("CVE-FIX", Severity.Critical, "openssl", "1.1", "fixed in 1.2"),
            Finding("CVE-FIXED", Severity.High, "busybox", "1.33", "fixed"));
        var verdict = PolicyEvaluator.Evaluate(result, ScanPolicy.Default, Today);
        var (dir, _, log) = await Write(result, verdict);
        using var _1 = dir;

        var critical = verdict.VulnerabilityCounts.Single(c => c.Severity == Severity.Critical);
        Assert.Equal((2, 2, 0, 1), (critical.Total, critical.Counted, critical.WithoutFix + critical.Allowed, critical.Unfixed));
        Assert.Equal(0, verdict.VulnerabilityCounts.Single(c => c.Severity == Severity.High).Unfixed);
        var markdown = File.ReadAllText(Path.Combine(dir.Combine("reports"), ReportWriter.MarkdownFileName));
        Assert.Contains("| **critical** | 2 | 2 | 0 | 1 | 0 |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| {(status is null ? "no fix" : $"no fix ({status})")} |", markdown, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => Regex.IsMatch(l, @"^critical\s+2\s+2\s+0\s+1\s+0  over the limit$"));
        Assert.Contains(log.Lines, l => Regex.IsMatch(l, @"^high\s+1\s+1\s+0\s+0\s+0  over the limit$"));

        // With onlyFixed the unfixed finding is also left out of the count; the column says the same.
        var onlyFixed = PolicyEvaluator.Evaluate(result, ScanPolicy.Default with { OnlyFixed = true }, Today).VulnerabilityCounts.Single(c => c.Severity == Severity.Critical);
        Assert.Equal((2, 1, 1, 1), (onlyFixed.Total, onlyFixed.Counted, onlyFixed.WithoutFix, onlyFixed.Unfixed));
    }

    [Fact]
    public async Task A_clean_scan_logs_a_passing_verdict()
    {
        var (result, verdict) = Clean();
        var (dir, _, log) = await Write(result, verdict);
        using var _1 = dir;
        Assert.Equal(LogEventLevel.Information, log.Events[^1].Level);
        Assert.Equal("Scan verdict for dev.registry.example.com:5000/team/app:latest: PASSED (critical 0/0, high 0/0)", log.Events[^1].RenderMessage());
    }

    [Fact]
    public async Task Markdown_has_the_reasons_the_table_and_a_mermaid_pie_and_is_appended_to_the_step_summary()
    {
        var (result, verdict) = Failing();
        using var summaryDir = new TempDirectory();
        var summary = summaryDir.Write("step_summary.md", "# earlier step\n");
        var (dir, _, _) = await Write(result, verdict, o => o with { StepSummaryPath = summary });
        using var _1 = dir;

        var markdown = File.ReadAllText(Path.Combine(dir.Combine("reports"), ReportWriter.MarkdownFileName));
        Assert.StartsWith("## ❌ Prisma Cloud scan failed: `registry.example.com/team/app:1.4.0`", markdown, StringComparison.Ordinal);
        Assert.Contains("**Why it failed**", markdown, StringComparison.Ordinal);
        Assert.Contains("- the Console's own vulnerability verdict is failed", markdown, StringComparison.Ordinal);
        Assert.Contains("| **critical** | 1 | 1 | 0 | 0 | 0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("```mermaid\npie title Vulnerabilities by severity\n    \"critical\" : 1\n    \"high\" : 1\n    \"medium\" : 1\n```", markdown.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("\"low\" :", markdown, StringComparison.Ordinal); // empty slices are left out
        Assert.Contains("| [CVE-2023-45853](https://nvd.nist.gov/vuln/detail/CVE-2023-45853) | critical | 9.8 | zlib1g | 1:1.2.13.dfsg-1 | 1:1.2.13.dfsg-2 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| CVE-2024-0727 | medium | openssl | 2026-12-31 | only reachable", markdown, StringComparison.Ordinal);

        var appended = File.ReadAllText(summary);
        Assert.StartsWith("# earlier step\n## ❌ Prisma Cloud scan failed", appended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_of_a_clean_scan_has_no_chart_and_escapes_cells()
    {
        var (result, verdict) = Clean();
        var (dir, _, _) = await Write(result, verdict);
        using var _1 = dir;
        var markdown = File.ReadAllText(Path.Combine(dir.Combine("reports"), ReportWriter.MarkdownFileName));
        Assert.StartsWith("## ✅ Prisma Cloud scan passed", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("```mermaid", markdown, StringComparison.Ordinal);
        Assert.Contains("No vulnerabilities found.", markdown, StringComparison.Ordinal);

        var piped = Result(Finding("CVE-1", Severity.Critical, "a|b", "1<2>")) ;
        var text = MarkdownReport.Render(piped, PolicyEvaluator.Evaluate(piped, ScanPolicy.Default, Today));
        Assert.Contains("| a\\|b | 1&lt;2&gt; |", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JUnit_has_one_failing_case_per_failing_finding_allowed_ones_skipped_and_a_verdict_case()
    {
        var (result, verdict) = Failing();
        var (dir, _, _) = await Write(result, verdict);
        using var _1 = dir;
        var xml = XDocument.Load(Path.Combine(dir.Combine("reports"), ReportWriter.JUnitFileName));
        var suite = xml.Root!.Element("testsuite")!;
        var cases = suite.Elements("testcase").ToList();

        Assert.Equal("testsuites", xml.Root.Name.LocalName);
        Assert.Equal(4, cases.Count); // verdict + critical + high + the allowed medium
        Assert.Equal("4", suite.Attribute("tests")!.Value);
        Assert.Equal("3", suite.Attribute("failures")!.Value);
        Assert.Equal("1", suite.Attribute("skipped")!.Value);
        var verdictCase = cases.Single(c => c.Attribute("name")!.Value == "verdict");
        Assert.Equal(3, verdictCase.Element("failure")!.Value.Split('\n').Length);
        var critical = cases.Single(c => c.Attribute("classname")!.Value == "vulnerabilities.critical");
        Assert.Equal("CVE-2023-45853 in zlib1g 1:1.2.13.dfsg-1", critical.Attribute("name")!.Value);
        Assert.Contains("→ 1:1.2.13.dfsg-2", critical.Element("failure")!.Attribute("message")!.Value, StringComparison.Ordinal);
        Assert.Contains("Layer: ADD rootfs.tar.xz", critical.Element("failure")!.Value, StringComparison.Ordinal);
        Assert.StartsWith("allowed until 2026-12-31", cases.Single(c => c.Element("skipped") is not null).Element("skipped")!.Attribute("message")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JUnit_of_a_clean_scan_is_one_passing_case()
    {
        var (result, verdict) = Clean();
        var (dir, _, _) = await Write(result, verdict);
        using var _1 = dir;
        var xml = XDocument.Load(Path.Combine(dir.Combine("reports"), ReportWriter.JUnitFileName));
        var testCase = Assert.Single(xml.Descendants("testcase"));
        Assert.Empty(testCase.Elements());
        Assert.Equal("0", xml.Root!.Attribute("failures")!.Value);
    }

    [Fact]
    public void JUnit_survives_control_characters_in_descriptions()
    {
        var finding = Finding("CVE-1", Severity.Critical) with { Description = "bad\u0001byte\u001b[0m" };
        var result = Result(finding);
        var xml = XDocument.Parse(JUnitReport.Render(result, PolicyEvaluator.Evaluate(result, ScanPolicy.Default, Today)));
        Assert.Contains("bad byte", xml.Descendants("testcase").Single(c => c.Attribute("classname")!.Value == "vulnerabilities.critical").Element("failure")!.Value, StringComparison.Ordinal);
    }

    public static TheoryData<string> ResultFixtures => new() { "twistcli-documented.json", "twistcli-awkward.json", "twistcli-two-results.json", "registry-entries.json", "registry-shortened.json" };

    static ScanResult Load(string fixture) => fixture.StartsWith("registry", StringComparison.Ordinal) ? FromRegistry(fixture) : Twistcli(fixture);

    [Theory]
    [MemberData(nameof(ResultFixtures))]
    public void Sarif_is_valid_against_the_published_schema(string fixture)
    {
        var result = Load(fixture);
        var policy = ScanPolicy.Default with { Allow = [new AllowEntry("CVE-2023-0002", "r", Today)] };
        var sarif = SarifReport.Render(result, PolicyEvaluator.Evaluate(result, policy, Today), "docker/My App/Dockerfile");
        Assert.Empty(Schemas.Errors(Schemas.Sarif, sarif));
    }

    [Fact]
    public void The_schema_check_can_fail()
    {
        var result = Twistcli("twistcli-documented.json");
        var sarif = SarifReport.Render(result, PolicyEvaluator.Evaluate(result, ScanPolicy.Default, Today), null);
        Assert.NotEmpty(Schemas.Errors(Schemas.Sarif, sarif.Replace("\"level\": \"error\"", "\"level\": \"fatal\"", StringComparison.Ordinal)));
        Assert.NotEmpty(Schemas.Errors(Schemas.Sarif, sarif.Replace("\"version\": \"2.1.0\"", "\"version\": \"2.0.0\"", StringComparison.Ordinal)));
        var gitlab = GitLabReport.Render(result, PolicyEvaluator.Evaluate(result, ScanPolicy.Default, Today), TimeProvider.System);
        Assert.NotEmpty(Schemas.Errors(Schemas.GitLabContainerScanning, gitlab.Replace("\"Critical\"", "\"critical\"", StringComparison.Ordinal)));
        Assert.NotEmpty(Schemas.Errors(Schemas.GitLabContainerScanning, gitlab.Replace("\"operating_system\"", "\"os\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Sarif_has_unique_rules_stable_ids_a_relative_location_and_suppressions()
    {
        var result = Twistcli("twistcli-awkward.json");
        var policy = ScanPolicy.Default with { Allow = [new AllowEntry("CVE-2023-0002", "accepted for now", new DateOnly(2026, 12, 31))] };
        var verdict = PolicyEvaluator.Evaluate(result, policy, Today);
        using var doc = JsonDocument.Parse(SarifReport.Render(result, verdict, null));
        var run = doc.RootElement.GetProperty("runs")[0];

        Assert.Equal("KanikoBuild (Prisma Cloud twistcli)", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var ruleIds = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(ruleIds.Distinct().Count(), ruleIds.Count);
        Assert.Single(ruleIds, id => id == "CVE-2023-1000");

        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(12, results.Count); // the verbatim repeat is collapsed, the second package is not
        Assert.Equal(2, results.Count(r => r.GetProperty("ruleId").GetString() == "CVE-2023-1000"));
        Assert.All(results, r => Assert.Equal(ruleIds[r.GetProperty("ruleIndex").GetInt32()], r.GetProperty("ruleId").GetString()));
        Assert.All(results, r => Assert.Equal("Dockerfile", r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()));
        var fingerprints = results.Select(r => r.GetProperty("partialFingerprints").GetProperty("kanikobuildFinding/v1").GetString()).ToList();
        Assert.Equal(fingerprints.Count, fingerprints.Distinct().Count());

        var allowed = results.Single(r => r.GetProperty("ruleId").GetString() == "CVE-2023-0002");
        Assert.Equal("note", allowed.GetProperty("level").GetString());
        Assert.Equal("accepted for now (allowed until 2026-12-31)", allowed.GetProperty("suppressions")[0].GetProperty("justification").GetString());
        var failing = results.First(r => r.GetProperty("ruleId").GetString() == "CVE-2023-0001");
        Assert.Equal("error", failing.GetProperty("level").GetString());

        var rule = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "CVE-2023-0001");
        Assert.Equal("9.1", rule.GetProperty("properties").GetProperty("security-severity").GetString());

        // Same input, same output: ids and fingerprints are stable across runs.
        Assert.Equal(SarifReport.Render(result, verdict, null), SarifReport.Render(result, verdict, null));
    }

    [Theory]
    [InlineData(null, "Dockerfile")]
    [InlineData("", "Dockerfile")]
    [InlineData("./Dockerfile", "Dockerfile")]
    [InlineData("services\\api\\Dockerfile", "services/api/Dockerfile")]
    [InlineData("docker/My App/Dockerfile.prod", "docker/My%20App/Dockerfile.prod")]
    [InlineData("/work/repo/Dockerfile", "file:///work/repo/Dockerfile")]
    public void The_sarif_location_is_a_valid_uri_reference_never_the_image(string? dockerfile, string expected)
    {
        var uri = SarifReport.LocationUri(dockerfile);
        Assert.Equal(expected, uri);
        Assert.True(Uri.TryCreate(uri, UriKind.RelativeOrAbsolute, out _));
    }

    [Theory]
    [MemberData(nameof(ResultFixtures))]
    public void GitLab_report_is_valid_against_the_published_schema(string fixture)
    {
        var result = Load(fixture);
        var gitlab = GitLabReport.Render(result, PolicyEvaluator.Evaluate(result, ScanPolicy.Default, Today), TimeProvider.System);
        Assert.Empty(Schemas.Errors(Schemas.GitLabContainerScanning, gitlab));
    }

    [Fact]
    public void GitLab_report_declares_an_accepted_version_and_fills_the_fingerprint_fields()
    {
        var result = Twistcli("twistcli-awkward.json");
        var verdict = PolicyEvaluator.Evaluate(result, ScanPolicy.Default, Today);
        using var doc = JsonDocument.Parse(GitLabReport.Render(result, verdict, TimeProvider.System));
        var root = doc.RootElement;

        Assert.Equal("15.0.7", root.GetProperty("version").GetString());
        var scan = root.GetProperty("scan");
        Assert.Equal("container_scanning", scan.GetProperty("type").GetString());
        Assert.Equal("success", scan.GetProperty("status").GetString());
        Assert.Equal("2024-02-02T11:30:05", scan.GetProperty("start_time").GetString());
        Assert.Equal("prisma-cloud-twistcli", scan.GetProperty("scanner").GetProperty("id").GetString());

        var vulns = root.GetProperty("vulnerabilities").EnumerateArray().ToList();
        Assert.Equal(12, vulns.Count);
        var ids = vulns.Select(v => v.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id));
        var severities = vulns.Select(v => v.GetProperty("severity").GetString()).ToHashSet();
        Assert.Equal(["Critical", "High", "Medium", "Low", "Unknown"], severities.Order().OrderBy(s => s switch { "Critical" => 0, "High" => 1, "Medium" => 2, "Low" => 3, _ => 4 }));

        var first = vulns.Single(v => v.GetProperty("name").GetString() == "CVE-2023-0001");
        Assert.Equal("Upgrade libfoo to one of 1.2, 1.3.", first.GetProperty("solution").GetString());
        var location = first.GetProperty("location");
        Assert.Equal("libfoo", location.GetProperty("dependency").GetProperty("package").GetProperty("name").GetString());
        Assert.Equal("1.1", location.GetProperty("dependency").GetProperty("version").GetString());
        Assert.Equal("alpine:3.18.4", location.GetProperty("operating_system").GetString());
        Assert.Equal("kaniko-built/app:dev", location.GetProperty("image").GetString());
        var identifier = first.GetProperty("identifiers")[0];
        Assert.Equal(("cve", "CVE-2023-0001"), (identifier.GetProperty("type").GetString(), identifier.GetProperty("value").GetString()));
    }

    [Fact]
    public void GitLab_times_come_from_the_clock_when_the_scan_has_none()
    {
        var result = Result(Finding("CVE-1", Severity.High));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 1, 2, 3, TimeSpan.Zero));
        using var doc = JsonDocument.Parse(GitLabReport.Render(result, PolicyEvaluator.Evaluate(result, ScanPolicy.Default, Today), clock));
        Assert.Equal("2026-11-28T01:02:03", doc.RootElement.GetProperty("scan").GetProperty("end_time").GetString());
    }

    [Fact]
    public async Task The_json_report_carries_the_normalised_result_and_the_verdict()
    {
        var (result, verdict) = Failing();
        var (dir, _, _) = await Write(result, verdict);
        using var _1 = dir;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Combine("reports"), ReportWriter.JsonFileName)));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("formatVersion").GetInt32());
        Assert.Equal("twistcliFile", root.GetProperty("result").GetProperty("source").GetString());
        var vuln = root.GetProperty("result").GetProperty("vulnerabilities")[1];
        Assert.Equal(("CVE-2023-45853", "critical", "1:1.2.13.dfsg-2"), (vuln.GetProperty("id").GetString(), vuln.GetProperty("severity").GetString(), vuln.GetProperty("fixedVersion").GetString()));
        var v = root.GetProperty("verdict");
        Assert.False(v.GetProperty("passed").GetBoolean());
        Assert.Equal(3, v.GetProperty("reasons").GetArrayLength());
        Assert.Equal("2026-12-31", v.GetProperty("allowedFindings")[0].GetProperty("expires").GetString());
        Assert.Equal("2026-11-28", v.GetProperty("evaluatedOn").GetString());
        Assert.Equal(0, v.GetProperty("policy").GetProperty("failOn").GetProperty("critical").GetInt32());
    }

    [Fact]
    public async Task An_unwritable_reports_directory_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        var blocker = dir.Write("file-not-dir", "x");
        var (result, verdict) = Clean();
        var e = await Assert.ThrowsAsync<PipelineException>(() =>
            ReportWriter.WriteAsync(result, verdict, new ReportOptions { Directory = Path.Combine(blocker, "reports"), StepSummaryPath = null }, new LoggerConfiguration().CreateLogger()));
        Assert.Contains("Cannot create the reports directory", e.Message, StringComparison.Ordinal);
    }
}
