using System.Security.Cryptography;
using System.Text;

namespace KanikoBuild.Signing;

/// <summary>
/// The public key signatures are checked with: EC P-256 as an X.509 SubjectPublicKeyInfo PEM
/// (<c>BEGIN PUBLIC KEY</c>), the form cosign, Kyverno and containers/image take and <c>openssl pkey -pubout</c> writes.
/// </summary>
public sealed class VerificationKey : IDisposable
{
    const string Expected = "an EC P-256 public key in PEM ('-----BEGIN PUBLIC KEY-----', as 'openssl pkey -pubout' writes it)";

    readonly ECDsa _key;

    VerificationKey(ECDsa key, string source)
    {
        _key = key;
        Source = source;
        Pem = key.ExportSubjectPublicKeyInfoPem();
    }

    public string Source { get; }

    /// <summary>The SPKI PEM, byte-identical to what <c>openssl pkey -pubout</c> writes for the same key.</summary>
    public string Pem { get; }

    internal static VerificationKey FromEcdsa(ECDsa privateKey, string source)
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(privateKey.ExportSubjectPublicKeyInfo(), out _);
        return new VerificationKey(key, source);
    }

    public static VerificationKey Load(string path)
    {
        string text;
        try
        {
            if (!File.Exists(path))
                throw new SigningKeyException($"The public key file {path} does not exist; expected {Expected}.");
            if (new FileInfo(path).Length > 64 * 1024)
                throw new SigningKeyException($"The public key file {path} is far larger than any key: it is not a key; expected {Expected}.");
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyException($"The public key file {path} cannot be read ({e.GetType().Name}: check its permissions).", e);
        }
        return FromPem(text, path);
    }

    public static VerificationKey FromPem(string pem, string source)
    {
        var blocks = PemBlock.ReadAll(pem, source, Expected);
        var block = blocks.Count == 1 ? blocks[0] : throw new SigningKeyException($"The public key file {source} holds {blocks.Count} PEM blocks ({string.Join(", ", blocks.Select(b => b.Label))}); expected exactly one: {Expected}.");
        if (block.Label != "PUBLIC KEY")
            throw new SigningKeyException(block.Label switch
            {
                "PRIVATE KEY" or "ENCRYPTED PRIVATE KEY" or "EC PRIVATE KEY" or "RSA PRIVATE KEY" =>
                    $"The public key file {source} holds a private key; verifiers get only the public key (extract it with 'openssl pkey -in <key> -pubout'). Keep the private key out of deploy jobs.",
                "RSA PUBLIC KEY" => $"The public key file {source} holds an RSA public key; expected {Expected}.",
                "CERTIFICATE" => $"The public key file {source} holds a certificate; expected {Expected} (extract it with 'openssl x509 -in <cert> -pubkey -noout').",
                var label => $"The public key file {source} holds a '{label}' block; expected {Expected}.",
            });
        var key = ECDsa.Create();
        try
        {
            // Decode first to name a foreign algorithm; ImportSubjectPublicKeyInfo alone only says "not EC".
            var (algorithm, parameters) = SubjectPublicKeyInfo.ReadAlgorithm(block.Der);
            if (!KeyAlgorithms.IsP256(algorithm, parameters, out var description))
                throw new SigningKeyException($"The public key file {source} holds {description}; expected {Expected}.");
            key.ImportSubjectPublicKeyInfo(block.Der, out _);
            return new VerificationKey(key, source);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            key.Dispose();
            throw new SigningKeyException($"The public key file {source} has a 'PUBLIC KEY' block that is not a valid key (damaged or truncated); expected {Expected}.", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="derSignature"/> (ASN.1 DER <c>SEQUENCE { r, s }</c>) is this key's ECDSA signature of
    /// SHA-256(<paramref name="data"/>). A raw r‖s signature is refused, as cosign and containers/image refuse it.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> derSignature)
    {
        try
        {
            return _key.VerifyData(data, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();

    public override string ToString() => $"VerificationKey {{ Source = {Source} }}";
}
