using System.Globalization;
using System.Text.Json;

namespace KanikoBuild.Signing;

/// <summary>
/// The verdict as members of the payload's <c>optional</c> section: flat names under <see cref="Prefix"/>, every value
/// a string. Strings because that is what signature-annotation checks compare: <c>cosign verify -a key=value</c>
/// and Kyverno's <c>attestors[].entries[].annotations</c> match an <c>optional</c> member only when it is the string
/// given, so <c>dev.kanikobuild.verdict/passed: "true"</c> can be required at admission without parsing anything.
/// </summary>
public static class VerdictAnnotations
{
    public const string Prefix = "dev.kanikobuild.verdict/";
    public const string Passed = Prefix + "passed";
    public const string Scanner = Prefix + "scanner";
    public const string ScannerVersion = Prefix + "scanner-version";
    public const string ScanTime = Prefix + "scan-time";
    public const string Console = Prefix + "console";
    public const string PolicyDigest = Prefix + "policy-digest";
    public const string CountPrefix = Prefix + "count.";

    /// <summary>The members for <paramref name="claims"/>, in no particular order (the payload sorts them).</summary>
    public static IEnumerable<KeyValuePair<string, string>> From(VerdictClaims claims)
    {
        yield return new(Passed, claims.Passed ? "true" : "false");
        yield return new(Scanner, claims.Scanner.Name);
        if (claims.Scanner.Version is { Length: > 0 } version)
            yield return new(ScannerVersion, version);
        if (claims.ScanTime is { } scanTime)
            yield return new(ScanTime, FormatTime(scanTime));
        if (claims.ConsoleUrl is { } console)
            yield return new(Console, console.AbsoluteUri);
        yield return new(PolicyDigest, claims.PolicyDigest);
        foreach (var count in claims.Counts)
            yield return new(CountPrefix + count.Severity, count.Count.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>RFC 3339 in UTC, whole seconds unless the time has a fraction.</summary>
    internal static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The verdict in an <c>optional</c> section (null or an object), or null when it carries none. Members of this
    /// prefix that are malformed are refused; unknown ones are left for newer versions.
    /// </summary>
    public static VerdictClaims? Read(JsonElement optional)
    {
        if (optional.ValueKind != JsonValueKind.Object)
            return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in optional.EnumerateObject())
        {
            if (!member.Name.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            if (member.Value.ValueKind != JsonValueKind.String)
                throw new StrictJsonException($"Field optional.{member.Name} is not a string");
            values[member.Name] = member.Value.GetString()!;
        }
        if (values.Count == 0)
            return null;
        string Required(string key) => values.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw new StrictJsonException($"the verdict has no {key}");
        var passed = Required(Passed) switch
        {
            "true" => true,
            "false" => false,
            var other => throw new StrictJsonException($"Field optional.{Passed} is \"{other}\", neither \"true\" nor \"false\""),
        };
        var policyDigest = Required(PolicyDigest);
        if (!KanikoBuild.Registry.Digest.IsValid(policyDigest))
            throw new StrictJsonException($"Field optional.{PolicyDigest} is not a digest");
        var counts = new List<SeverityCount>();
        foreach (var (key, value) in values)
        {
            if (!key.StartsWith(CountPrefix, StringComparison.Ordinal))
                continue;
            var severity = key[CountPrefix.Length..];
            if (!VerdictClaims.IsSeverityName(severity) || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                throw new StrictJsonException($"Field optional.{key} is not a count of a severity");
            counts.Add(new SeverityCount(severity, count));
        }
        DateTimeOffset? scanTime = null;
        if (values.TryGetValue(ScanTime, out var time))
        {
            if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
                throw new StrictJsonException($"Field optional.{ScanTime} is not an RFC 3339 time");
            scanTime = parsed;
        }
        Uri? console = null;
        if (values.TryGetValue(Console, out var url) && !Uri.TryCreate(url, UriKind.Absolute, out console))
            throw new StrictJsonException($"Field optional.{Console} is not an absolute URL");
        return new VerdictClaims(passed, new ScannerInfo(Required(Scanner), values.GetValueOrDefault(ScannerVersion)), Order(counts), policyDigest)
        {
            ScanTime = scanTime,
            ConsoleUrl = console,
        };
    }

    // The payload stores members sorted by name; the record lists severities highest first.
    static readonly string[] s_order = ["critical", "high", "medium", "low", "unknown"];

    static List<SeverityCount> Order(List<SeverityCount> counts) =>
        counts.OrderBy(c => Array.IndexOf(s_order, c.Severity) is var i and >= 0 ? i : s_order.Length).ThenBy(c => c.Severity, StringComparer.Ordinal).ToList();
}
