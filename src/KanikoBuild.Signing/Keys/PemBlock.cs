using System.Security.Cryptography;

namespace KanikoBuild.Signing;

/// <summary>One <c>-----BEGIN label-----</c> … <c>-----END label-----</c> block of a PEM file, decoded.</summary>
internal sealed record PemBlock(string Label, byte[] Der)
{
    /// <summary>
    /// Every block of <paramref name="text"/>, in order. A file with no block at all, or with a block whose body is
    /// not base64, is refused naming <paramref name="path"/> and what was expected.
    /// </summary>
    public static IReadOnlyList<PemBlock> ReadAll(string text, string path, string expected)
    {
        var blocks = new List<PemBlock>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written))
                throw new SigningKeyException($"The key file {path} has a damaged '{label}' block (its body is not base64); expected {expected}.");
            blocks.Add(new PemBlock(label, der[..written]));
            rest = rest[fields.Location.End..];
        }
        if (blocks.Count == 0)
        {
            // PemEncoding skips blocks it cannot parse; say whether the file at least looks like PEM.
            var looksLikePem = text.Contains("-----BEGIN ", StringComparison.Ordinal);
            throw new SigningKeyException(looksLikePem
                ? $"The key file {path} has a malformed PEM block (BEGIN and END lines do not match, or the body is damaged); expected {expected}."
                : $"The key file {path} is not a PEM key (no '-----BEGIN …-----' line); expected {expected}.");
        }
        return blocks;
    }
}
