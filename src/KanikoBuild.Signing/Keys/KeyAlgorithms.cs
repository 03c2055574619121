using System.Formats.Asn1;
using System.Security.Cryptography;

namespace KanikoBuild.Signing;

/// <summary>
/// Names the algorithm of a PKCS#8 or SPKI key from its object identifiers, so a refusal can say what the file
/// holds ("an RSA key", "an EC key on P-384") rather than only that it is not the one wanted.
/// </summary>
internal static class KeyAlgorithms
{
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string P256 = "1.2.840.10045.3.1.7";

    static readonly Dictionary<string, string> s_algorithms = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.1"] = "an RSA key",
        ["1.2.840.113549.1.1.10"] = "an RSA-PSS key",
        ["1.2.840.10040.4.1"] = "a DSA key",
        ["1.3.101.110"] = "an X25519 key",
        ["1.3.101.111"] = "an X448 key",
        ["1.3.101.112"] = "an Ed25519 key",
        ["1.3.101.113"] = "an Ed448 key",
        ["1.2.840.10046.2.1"] = "a Diffie-Hellman key",
    };

    static readonly Dictionary<string, string> s_curves = new(StringComparer.Ordinal)
    {
        [P256] = "P-256",
        ["1.3.132.0.33"] = "P-224",
        ["1.3.132.0.34"] = "P-384",
        ["1.3.132.0.35"] = "P-521",
        ["1.3.132.0.10"] = "secp256k1",
        ["1.3.36.3.3.2.8.1.1.7"] = "brainpoolP256r1",
        ["1.3.36.3.3.2.8.1.1.11"] = "brainpoolP384r1",
        ["1.3.36.3.3.2.8.1.1.13"] = "brainpoolP512r1",
    };

    /// <summary>True for an EC key on P-256; otherwise <paramref name="description"/> says what the key is.</summary>
    public static bool IsP256(Oid algorithm, ReadOnlyMemory<byte>? parameters, out string description)
    {
        var oid = algorithm.Value ?? string.Empty;
        if (oid != EcPublicKey)
        {
            description = s_algorithms.TryGetValue(oid, out var name) ? name : $"a key of the algorithm {oid}";
            return false;
        }
        var curve = CurveOf(parameters);
        description = curve is null
            ? "an EC key with explicit curve parameters"
            : $"an EC key on the curve {(s_curves.TryGetValue(curve, out var named) ? named : curve)}";
        return curve == P256;
    }

    // ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER, implicitCurve NULL, specifiedCurve SEQUENCE }
    static string? CurveOf(ReadOnlyMemory<byte>? parameters)
    {
        if (parameters is not { Length: > 0 } bytes)
            return null;
        try
        {
            var reader = new AsnReader(bytes, AsnEncodingRules.DER);
            return reader.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier) ? reader.ReadObjectIdentifier() : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
