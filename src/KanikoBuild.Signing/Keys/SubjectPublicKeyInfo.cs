using System.Formats.Asn1;
using System.Security.Cryptography;

namespace KanikoBuild.Signing;

/// <summary>Reads the algorithm of an X.509 SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) without importing the key.</summary>
internal static class SubjectPublicKeyInfo
{
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
    // AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
    public static (Oid Algorithm, ReadOnlyMemory<byte>? Parameters) ReadAlgorithm(byte[] der)
    {
        var spki = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var algorithm = spki.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : null;
        return (new Oid(oid), parameters);
    }
}
