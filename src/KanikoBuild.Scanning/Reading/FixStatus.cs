using System.Text.RegularExpressions;

namespace KanikoBuild.Scanning;

/// <summary>
/// Neither the twistcli file nor the API has a fixed-version field: the version is inside the status string,
/// "fixed in 1.2.12-r2", sometimes several ("fixed in 1.2, 1.3", "fixed in 2.0 and 2.1").
/// </summary>
static partial class FixStatus
{
    [GeneratedRegex(@"^\s*fixed\s+in\s*:?\s*(?<versions>.+?)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FixedIn();

    [GeneratedRegex(@"\s*(?:,|;|\s+or\s+|\s+and\s+)\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Separator();

    public static (bool HasFix, IReadOnlyList<string> Versions) Parse(string? status)
    {
        if (string.IsNullOrWhiteSpace(status))
            return (false, []);
        var match = FixedIn().Match(status);
        if (match.Success)
        {
            var versions = Separator().Split(match.Groups["versions"].Value)
                .Select(v => v.Trim())
                .Where(v => v.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            return (true, versions);
        }
        // "fixed" alone (some vendors) still means a fix exists, only the version is unknown.
        return (status.Trim().Equals("fixed", StringComparison.OrdinalIgnoreCase), []);
    }
}
