using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Text;

namespace KanikoBuild.Signing;

/// <summary>
/// The private key verdicts are signed with: EC P-256 from a PKCS#8 PEM file (<c>BEGIN PRIVATE KEY</c>, or
/// <c>BEGIN ENCRYPTED PRIVATE KEY</c> with its password). Signatures are ECDSA over SHA-256 in ASN.1 DER, the
/// encoding cosign and containers/image verify (the .NET default, IEEE P1363 r‖s, is refused by both).
/// The key is only ever read: it is not written anywhere, and the text of the file is registered with
/// <see cref="Secrets"/> line by line as soon as it is read, so no log line can show it.
/// </summary>
public sealed class SigningKey : IDisposable
{
    const string Expected = "an EC P-256 private key in PKCS#8 PEM ('-----BEGIN PRIVATE KEY-----' or '-----BEGIN ENCRYPTED PRIVATE KEY-----')";

    // Larger files are not keys; reading them whole would only waste memory.
    const int MaxFileBytes = 64 * 1024;

    readonly ECDsa _key;

    SigningKey(ECDsa key, string source)
    {
        _key = key;
        Source = source;
        PublicKey = VerificationKey.FromEcdsa(key, source);
    }

    /// <summary>Where the key came from (its path), for messages.</summary>
    public string Source { get; }

    /// <summary>The public half, as verifiers are given it.</summary>
    public VerificationKey PublicKey { get; }

    /// <summary>Loads <paramref name="path"/>; <paramref name="password"/> is needed only for an encrypted key.</summary>
    public static SigningKey Load(string path, string? password = null)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new SigningKeyException(Directory.Exists(path)
                    ? $"The signing key {path} is a directory; expected a file holding {Expected}."
                    : $"The signing key file {path} does not exist; expected {Expected}.");
            if (info.Length > MaxFileBytes)
                throw new SigningKeyException($"The signing key file {path} is {info.Length} bytes, far larger than any key: it is not a key; expected {Expected}.");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyException($"The signing key file {path} cannot be read ({e.GetType().Name}: check its permissions).", e);
        }
        return FromPemBytes(bytes, path, password);
    }

    /// <summary>Loads a key from the bytes of a PEM file; <paramref name="source"/> names it in messages.</summary>
    public static SigningKey FromPemBytes(ReadOnlySpan<byte> bytes, string source, string? password = null)
    {
        Secrets.Register(password);
        if (bytes.IndexOf((byte)0) >= 0)
            throw new SigningKeyException($"The signing key file {source} is binary (DER, perhaps), not PEM; convert it with 'openssl pkey -in <file> -out <file>.pem' and give the PEM file. Expected {Expected}.");
        var text = Encoding.UTF8.GetString(bytes);
        RegisterKeyText(text);
        if (text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
            throw new SigningKeyException($"The signing key file {source} is encrypted in OpenSSL's legacy PEM format; convert it to PKCS#8 with 'openssl pkcs8 -topk8 -in <file> -out <new file>' and give the new file.");
        var blocks = PemBlock.ReadAll(text, source, Expected)
            // 'openssl ecparam -genkey' writes the curve's parameters before the key: they are not a key.
            .Where(b => b.Label != "EC PARAMETERS")
            .ToList();
        if (blocks.Count != 1)
            throw new SigningKeyException(blocks.Count == 0
                ? $"The signing key file {source} holds only EC parameters, no key; expected {Expected}."
                : $"The signing key file {source} holds {blocks.Count} PEM blocks ({string.Join(", ", blocks.Select(b => b.Label))}); expected exactly one: {Expected}.");
        var block = blocks[0];
        foreach (var line in new[] { Convert.ToBase64String(block.Der), Convert.ToHexString(block.Der), Convert.ToHexStringLower(block.Der) })
            Secrets.Register(line);
        try
        {
            return block.Label switch
            {
                "PRIVATE KEY" => FromPkcs8(block.Der, source),
                "ENCRYPTED PRIVATE KEY" => FromEncryptedPkcs8(block.Der, source, password),
                _ => throw new SigningKeyException(Describe(block.Label, source)),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block.Der);
        }
    }

    static string Describe(string label, string source) => label switch
    {
        "PUBLIC KEY" => $"The signing key file {source} holds a public key; signing needs the private key ({Expected}). Give the public key to verifiers instead.",
        "EC PRIVATE KEY" => $"The signing key file {source} holds a SEC1 'EC PRIVATE KEY' (what 'openssl ecparam -genkey' writes); convert it to PKCS#8 with 'openssl pkcs8 -topk8 -in <file> -out <new file>' (add -nocrypt for no password).",
        "RSA PRIVATE KEY" => $"The signing key file {source} holds an RSA key; signing needs {Expected}.",
        "DSA PRIVATE KEY" => $"The signing key file {source} holds a DSA key; signing needs {Expected}.",
        "OPENSSH PRIVATE KEY" => $"The signing key file {source} holds an OpenSSH key; signing needs {Expected}.",
        "ENCRYPTED COSIGN PRIVATE KEY" or "ENCRYPTED SIGSTORE PRIVATE KEY" => $"The signing key file {source} is in cosign's own key format, which only cosign reads; signing needs {Expected} (make one with 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256', and 'cosign import-key-pair' lets cosign use the same key).",
        "CERTIFICATE" or "TRUSTED CERTIFICATE" or "X509 CERTIFICATE" => $"The signing key file {source} holds a certificate, not a key; signing needs {Expected}.",
        _ => $"The signing key file {source} holds a '{label}' block, not a key this can use; expected {Expected}.",
    };

    static SigningKey FromPkcs8(byte[] der, string source)
    {
        Pkcs8PrivateKeyInfo info;
        try
        {
            info = Pkcs8PrivateKeyInfo.Decode(der, out _, skipCopy: true);
        }
        catch (CryptographicException e)
        {
            throw new SigningKeyException($"The signing key file {source} has a 'PRIVATE KEY' block that is not a valid PKCS#8 key (damaged or truncated); expected {Expected}.", e);
        }
        return FromKeyInfo(info, der, source, encrypted: false);
    }

    static SigningKey FromEncryptedPkcs8(byte[] der, string source, string? password)
    {
        if (string.IsNullOrEmpty(password))
            throw new SigningKeyException($"The signing key file {source} is encrypted; give its password in the environment variable {ParameterName.Of<SigningOptions>(nameof(SigningOptions.KeyPassword)).EnvironmentVariable}.");
        Pkcs8PrivateKeyInfo info;
        try
        {
            info = Pkcs8PrivateKeyInfo.DecryptAndDecode(password.AsSpan(), der, out _);
        }
        catch (CryptographicException e)
        {
            throw new SigningKeyException($"The signing key file {source} could not be decrypted: the password is wrong (or the file is damaged).", e);
        }
        var plain = info.Encode();
        try
        {
            return FromKeyInfo(info, plain, source, encrypted: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    static SigningKey FromKeyInfo(Pkcs8PrivateKeyInfo info, byte[] pkcs8, string source, bool encrypted)
    {
        if (!KeyAlgorithms.IsP256(info.AlgorithmId, info.AlgorithmParameters, out var description))
            throw new SigningKeyException($"The signing key file {source} holds {description}{(encrypted ? " (encrypted)" : "")}; signing needs an EC P-256 key (cosign's default; make one with 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256').");
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new SigningKeyException($"The signing key file {source} holds an EC P-256 key that cannot be imported (damaged?).", e);
        }
        return new SigningKey(key, source);
    }

    /// <summary>ECDSA P-256 over SHA-256 of <paramref name="data"/>: an ASN.1 DER <c>SEQUENCE { r, s }</c> (70–72 bytes).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary><see cref="Sign"/> as standard padded base64, the form of cosign's signature annotation.</summary>
    public string SignToBase64(ReadOnlySpan<byte> data) => Convert.ToBase64String(Sign(data));

    // Every line of the file, so a stray log of the file (or of one line of it) is masked whole.
    static void RegisterKeyText(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && !trimmed.StartsWith("-----", StringComparison.Ordinal) && !trimmed.Contains(':', StringComparison.Ordinal))
                Secrets.Register(trimmed);
        }
    }

    public void Dispose()
    {
        _key.Dispose();
        PublicKey.Dispose();
    }

    // Records and default ToString could print fields; a key prints only where it came from.
    public override string ToString() => $"SigningKey {{ Source = {Source} }}";
}
