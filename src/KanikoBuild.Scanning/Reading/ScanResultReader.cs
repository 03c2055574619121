using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KanikoBuild.Scanning;

/// <summary>
/// Reads the two shapes Prisma Cloud produces into one <see cref="ScanResult"/>: twistcli's <c>--output-file</c>
/// JSON (prisma.md §1.5) and one entry of <c>GET /api/v1/registry</c> (§2.3). Reading is lenient: unknown fields are
/// ignored, field-name variants are accepted, numbers and strings are interchangeable, null lists are empty.
/// Only JSON that does not parse, or a document with no result in it, is an error.
/// </summary>
public static class ScanResultReader
{
    static readonly JsonDocumentOptions s_options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 };

    /// <summary>
    /// The first result of a twistcli output file. When the file holds several, the others are named in
    /// <see cref="ScanResult.Notes"/>; use <see cref="AllFromTwistcliOutput(string, string?)"/> to get them all.
    /// </summary>
    public static ScanResult FromTwistcliOutput(string json, string? sourceName = null) =>
        First(AllFromTwistcliOutput(json, sourceName));

    /// <inheritdoc cref="FromTwistcliOutput(string, string?)"/>
    public static ScanResult FromTwistcliOutput(Stream stream, string? sourceName = null) =>
        First(AllFromTwistcliOutput(stream, sourceName));

    /// <summary>Reads a twistcli output file from disk (async, cancellable); the first result, like <see cref="FromTwistcliOutput(string, string?)"/>.</summary>
    public static async Task<ScanResult> FromTwistcliOutputFileAsync(string path, CancellationToken ct = default)
    {
        if (!File.Exists(path))
            throw new PipelineException($"The twistcli result file '{path}' does not exist; twistcli writes it with --output-file, check that the scan ran and wrote there.");
        var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        return FromTwistcliOutput(new MemoryStream(bytes, writable: false), path);
    }

    /// <summary>Every result of a twistcli output file (one per scanned image), in file order.</summary>
    public static IReadOnlyList<ScanResult> AllFromTwistcliOutput(string json, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return AllFromTwistcliOutput(new MemoryStream(Encoding.UTF8.GetBytes(json), writable: false), sourceName);
    }

    /// <inheritdoc cref="AllFromTwistcliOutput(string, string?)"/>
    public static IReadOnlyList<ScanResult> AllFromTwistcliOutput(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var what = sourceName is null ? "The twistcli result" : $"The twistcli result file '{sourceName}'";
        using var document = Parse(stream, what);
        var root = document.RootElement;

        // The documented shape is {"results":[…],"consoleURL":…}; tolerate a bare array or a bare result too.
        List<JsonElement> entries;
        string? consoleUrl = null;
        if (root.ValueKind == JsonValueKind.Array)
            entries = root.EnumerateArray().ToList();
        else if (root.ValueKind == JsonValueKind.Object && root.Get("results") is { } results)
        {
            entries = results.ValueKind == JsonValueKind.Array ? results.EnumerateArray().ToList() : [results];
            consoleUrl = root.String("consoleURL", "consoleUrl");
        }
        else if (root.ValueKind == JsonValueKind.Object && root.Get("vulnerabilities", "compliances", "packages", "name", "id") is not null)
            entries = [root];
        else
            entries = [];

        entries = entries.Where(e => e.ValueKind == JsonValueKind.Object).ToList();
        if (entries.Count == 0)
            throw new PipelineException($"{what} holds no scan result (expected {{\"results\":[…]}}); check that twistcli finished the scan and that the file is its --output-file.");

        var list = new List<ScanResult>(entries.Count);
        foreach (var entry in entries)
            list.Add(ReadTwistcliResult(entry, consoleUrl));
        if (list.Count > 1)
        {
            var names = string.Join(", ", list.Select(r => r.DisplayName));
            var note = $"twistcli output held {list.Count} results ({names}).";
            list[0] = list[0] with { Notes = [.. list[0].Notes, note + " Only the first is used for the verdict."] };
        }
        return list;
    }

    /// <summary>One element of the JSON array <c>GET /api/v{ver}/registry</c> returns (<c>shared.ImageScanResult</c>).</summary>
    public static ScanResult FromRegistryEntry(JsonElement entry) => FromRegistryEntry(RegistryEntry.Read(entry));

    /// <summary>The findings of an entry whose identity <see cref="RegistryEntry"/> has read.</summary>
    public static ScanResult FromRegistryEntry(RegistryEntry registryEntry)
    {
        var entry = registryEntry.Raw;
        var notes = new List<string>();
        var history = History(entry);
        var vulnerabilities = new List<Vulnerability>();
        var skipped = 0;
        foreach (var v in entry.Array("vulnerabilities"))
        {
            // In the API, "id" is an integer rule id and the CVE is in "cve"; a string id is accepted as a fallback.
            var id = v.String("cve") ?? (v.Get("id") is { ValueKind: JsonValueKind.String } s ? Lenient.AsString(s) : null);
            if (id is null)
            {
                skipped++;
                continue;
            }
            vulnerabilities.Add(ReadVulnerability(v, id, history));
        }
        if (skipped > 0)
            notes.Add(skipped == 1 ? "1 vulnerability entry without a CVE id was skipped." : $"{skipped} vulnerability entries without a CVE id were skipped.");

        return new ScanResult
        {
            Source = ScanSource.RegistryApi,
            ImageName = registryEntry.ImageName,
            Digest = registryEntry.Digest,
            ImageId = registryEntry.ImageId,
            Distro = entry.String("osDistro", "distro"),
            DistroRelease = entry.String("osDistroRelease", "osDistroVersion", "distroRelease"),
            Packages = RegistryPackages(entry),
            Vulnerabilities = vulnerabilities,
            ComplianceIssues = ReadCompliance(entry.Array("complianceIssues", "compliances")),
            VulnerabilityScanPassed = entry.Bool("vulnerabilityScanPassed", "vulnerabilitiesScanPassed"),
            ComplianceScanPassed = entry.Bool("complianceScanPassed"),
            ScanTime = registryEntry.ScanTime,
            CreationTime = registryEntry.CreationTime,
            ScannerVersion = entry.String("scanVersion"),
            Notes = notes,
        };
    }

    static ScanResult ReadTwistcliResult(JsonElement result, string? consoleUrl)
    {
        var notes = new List<string>();
        var history = History(result);
        var vulnerabilities = new List<Vulnerability>();
        var skipped = 0;
        foreach (var v in result.Array("vulnerabilities"))
        {
            var id = v.String("id", "cve");
            if (id is null)
            {
                skipped++;
                continue;
            }
            vulnerabilities.Add(ReadVulnerability(v, id, history));
        }
        if (skipped > 0)
            notes.Add(skipped == 1 ? "1 vulnerability entry without an id was skipped." : $"{skipped} vulnerability entries without an id were skipped.");

        var name = result.String("name", "imageName");
        return new ScanResult
        {
            Source = ScanSource.TwistcliFile,
            ImageName = name,
            Digest = result.String("digest") ?? RegistryEntry.DigestOf(name),
            ImageId = result.String("id", "imageID", "imageId"),
            Distro = result.String("distro", "osDistro"),
            DistroRelease = result.String("distroRelease", "osDistroRelease"),
            Packages = result.Array("packages").Select(ReadPackage).OfType<ScanPackage>().ToList(),
            Vulnerabilities = vulnerabilities,
            ComplianceIssues = ReadCompliance(result.Array("compliances", "complianceIssues")),
            VulnerabilityScanPassed = result.Bool("vulnerabilityScanPassed", "vulnerabilitiesScanPassed"),
            ComplianceScanPassed = result.Bool("complianceScanPassed"),
            ScanTime = result.Date("scanTime"),
            CreationTime = result.Date("creationTime", "created"),
            ConsoleUrl = consoleUrl,
            Notes = notes,
        };
    }

    static Vulnerability ReadVulnerability(JsonElement v, string id, IReadOnlyDictionary<long, string> history)
    {
        var rawSeverity = v.String("severity");
        var status = v.String("status", "fixStatus");
        var (hasFix, versions) = FixStatus.Parse(status);
        return new Vulnerability
        {
            Id = id.Trim(),
            RawSeverity = rawSeverity,
            Severity = Severities.Normalise(rawSeverity),
            Cvss = v.Double("cvss"),
            Vector = v.String("vector", "vecStr"),
            PackageName = v.String("packageName"),
            PackageVersion = v.String("packageVersion"),
            PackageType = v.String("packageType", "type"),
            PackagePath = v.String("packagePath"),
            Status = status,
            HasFix = hasFix,
            FixedVersions = versions,
            Published = v.Date("publishedDate", "published"),
            Discovered = v.Date("discoveredDate", "discovered"),
            FixDate = v.Date("fixedDate", "fixDate"),
            Layer = LayerOf(v.Date("layerTime"), history),
            Link = v.String("link", "fixLink"),
            Description = v.String("description"),
            RiskFactors = v.StringsOrKeys("riskFactors"),
        };
    }

    static List<ComplianceIssue> ReadCompliance(IEnumerable<JsonElement> items)
    {
        var issues = new List<ComplianceIssue>();
        foreach (var c in items)
        {
            if (c.ValueKind != JsonValueKind.Object)
                continue;
            // twistcli may list checks with "pass": true; those are not issues.
            if (c.Bool("pass") == true)
                continue;
            var raw = c.String("severity");
            issues.Add(new ComplianceIssue
            {
                Id = c.Long("id"),
                RawSeverity = raw,
                Severity = Severities.Normalise(raw),
                Title = c.String("title"),
                Cause = c.String("cause"),
                Description = c.String("description"),
                Category = c.String("category"),
            });
        }
        return issues;
    }

    static ScanPackage? ReadPackage(JsonElement p)
    {
        var name = p.String("name");
        if (name is null)
            return null;
        return new ScanPackage
        {
            Name = name,
            Version = p.String("version"),
            Type = p.String("type", "pkgsType"),
            Path = p.String("path"),
            Licenses = p.StringsOrKeys("licenses"),
        };
    }

    // The API groups packages by type: [{"pkgsType":"package","pkgs":[…]}].
    static List<ScanPackage> RegistryPackages(JsonElement entry)
    {
        var list = new List<ScanPackage>();
        foreach (var group in entry.Array("packages"))
        {
            var type = group.String("pkgsType", "type");
            if (group.Get("pkgs") is { ValueKind: JsonValueKind.Array } pkgs)
            {
                foreach (var p in pkgs.EnumerateArray())
                {
                    if (ReadPackage(p) is { } package)
                        list.Add(package.Type is null ? package with { Type = type } : package);
                }
            }
            else if (ReadPackage(group) is { } flat)
                list.Add(flat);
        }
        return list;
    }

    // Maps layer creation times to their Dockerfile instruction. kaniko writes the zero time for every layer,
    // so its images never match (prisma.md §4, kaniko issue #699) and the layer stays unknown.
    static Dictionary<long, string> History(JsonElement result)
    {
        var map = new Dictionary<long, string>();
        foreach (var h in result.Array("history"))
        {
            if (h.Date("created") is { } created && h.String("instruction") is { } instruction)
                map.TryAdd(created.ToUnixTimeSeconds(), instruction);
        }
        return map;
    }

    static string? LayerOf(DateTimeOffset? layerTime, IReadOnlyDictionary<long, string> history) =>
        layerTime is { } t && history.TryGetValue(t.ToUnixTimeSeconds(), out var instruction) ? instruction : null;

    static ScanResult First(IReadOnlyList<ScanResult> results) => results[0];

    static JsonDocument Parse(Stream stream, string what)
    {
        try
        {
            return JsonDocument.Parse(stream, s_options);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}")
                : "";
            throw new PipelineException($"{what} is not valid JSON{where}: {FirstSentence(e.Message)} Check that the scan finished writing it (a scan that crashed may leave a truncated file).", e);
        }
    }

    static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = (cut > 0 ? message[..cut] : message).Trim();
        return text.EndsWith('.') ? text : text + ".";
    }
}
