using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace KanikoBuild.Registry;

/// <summary>
/// A content digest as registries name manifests, configs and layers: <c>sha256:</c> and 64 lowercase hex digits,
/// the one algorithm every registry must support. The one digest type of the project: parsed once where a digest
/// enters (a parameter, a file PushDev left, a registry's answer), then passed on as this value.
/// </summary>
public readonly partial record struct Digest : IParsable<Digest>
{
    [GeneratedRegex("^sha256:[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    const string Expected = "expected sha256: followed by 64 lowercase hex digits";

    readonly string? _value;

    Digest(string value) => _value = value;

    /// <summary><c>sha256:…</c>; empty for <c>default</c>, which is no digest.</summary>
    public string Value => _value ?? string.Empty;

    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>Parses <paramref name="value"/> (trimmed), or throws a <see cref="PipelineException"/> naming <paramref name="what"/>.</summary>
    public static Digest Parse(string? value, string what) =>
        TryParse(value, out var digest) ? digest : throw new PipelineException($"The {what} '{value}' is not a digest; {Expected}.");

    /// <summary>For the engine's parameter binding: the message says what is wrong with the value, the engine names the parameter.</summary>
    public static Digest Parse(string s, IFormatProvider? provider = null) =>
        TryParse(s, provider, out var digest) ? digest : throw new FormatException($"'{s}' is not a digest; {Expected}");

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Digest result) => TryParse(s, out result);

    public static bool TryParse([NotNullWhen(true)] string? s, out Digest result)
    {
        var trimmed = s?.Trim();
        result = IsValid(trimmed) ? new Digest(trimmed) : default;
        return result._value is not null;
    }

    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static Digest Of(ReadOnlySpan<byte> content) => new(Sha256(content));

    /// <summary>The text form of <see cref="Of"/>.</summary>
    public static string Sha256(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>An incremental hasher for the digest's algorithm.</summary>
    internal static IncrementalHash CreateHasher(string digest) =>
        IncrementalHash.CreateHash(digest.StartsWith("sha512:", StringComparison.Ordinal) ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    internal static string Format(string digest, byte[] hash) =>
        digest[..digest.IndexOf(':', StringComparison.Ordinal)] + ":" + Convert.ToHexStringLower(hash);

    /// <summary>The first 12 hex digits, as people read digests in logs.</summary>
    public static string Short(string digest) =>
        digest.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 && digest.Length > colon + 13 ? digest[(colon + 1)..(colon + 13)] : digest;

    public override string ToString() => Value;

    // Registries, manifests and files speak text: a digest goes wherever its text form does.
    public static implicit operator string(Digest digest) => digest.Value;
}
