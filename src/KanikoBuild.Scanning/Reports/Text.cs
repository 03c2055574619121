using System.Globalization;

namespace KanikoBuild.Scanning;

/// <summary>Small formatting helpers shared by the reports.</summary>
static class Text
{
    public static string Day(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Number(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"20.0 MB", "512 B": sizes as people read them (binary multiples).</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes.ToString(CultureInfo.InvariantCulture)} B",
        < 1024 * 1024 => $"{(bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} KB",
        < 1024L * 1024 * 1024 => $"{(bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture)} MB",
        _ => $"{(bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture)} GB",
    };

    public static string Or(this string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value;

    /// <summary>"1.2.3 → 1.2.4", or "1.2.3 (no fix: deferred)".</summary>
    public static string Upgrade(Vulnerability v) =>
        v.FixedVersion is { } fixedIn ? $"{v.PackageVersion.Or("?")} → {fixedIn}"
        : v.HasFix ? $"{v.PackageVersion.Or("?")} → (fixed, version not given)"
        : $"{v.PackageVersion.Or("?")} (no fix{(v.Status is { } s ? ": " + s : "")})";

    public static bool IsWebLink(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    public static string Truncate(string? value, int max) =>
        value is null ? "" : value.Length <= max ? value : value[..(max - 1)] + "…";
}
