using System.Security.Cryptography;
using System.Text;

namespace KanikoBuild.Scanning;

/// <summary>Deterministic identifiers, so the same finding gets the same id in every run's reports.</summary>
static class StableId
{
    public static string Hex(string value, int bytes = 16) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, bytes));

    /// <summary>A name-based UUID (version 5 layout, SHA-256 instead of SHA-1) of <paramref name="value"/>.</summary>
    public static string Uuid(string value)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(hash.AsSpan(0, 16));
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}
