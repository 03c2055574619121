using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace KanikoBuild.Registry;

/// <summary>Content digests (<c>sha256:&lt;64 hex&gt;</c>, the only algorithm registries are required to support).</summary>
public static partial class Digest
{
    [GeneratedRegex("^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>Returns <paramref name="value"/> trimmed, or throws a <see cref="PipelineException"/> naming <paramref name="what"/>.</summary>
    public static string Parse(string? value, string what = "digest")
    {
        var trimmed = value?.Trim();
        if (!IsValid(trimmed))
            throw new PipelineException($"The {what} '{value}' is not a digest; expected sha256: followed by 64 lowercase hex digits.");
        return trimmed!;
    }

    public static string Sha256(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>An incremental hasher for the digest's algorithm.</summary>
    internal static IncrementalHash CreateHasher(string digest) =>
        IncrementalHash.CreateHash(digest.StartsWith("sha512:", StringComparison.Ordinal) ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    internal static string Format(string digest, byte[] hash) =>
        digest[..digest.IndexOf(':', StringComparison.Ordinal)] + ":" + Convert.ToHexStringLower(hash);

    /// <summary>The first 12 hex digits, as people read digests in logs.</summary>
    public static string Short(string digest) =>
        digest.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 && digest.Length > colon + 13 ? digest[(colon + 1)..(colon + 13)] : digest;
}
