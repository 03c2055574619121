using KanikoBuild.Testing;

namespace KanikoBuild.Signing.Tests;

/// <summary>Loading keys made by openssl: the good ones sign what openssl verifies; every bad one gets one clear error.</summary>
public class SigningKeyTests(KeyFiles keys) : IClassFixture<KeyFiles>
{
    [Theory]
    [InlineData("genpkey")]
    [InlineData("ecparam")]
    [InlineData("encrypted")]
    public async Task An_openssl_made_P256_key_signs_what_openssl_verifies_with_its_public_key(string kind)
    {
        var (path, publicKey, password) = kind switch
        {
            "genpkey" => (keys.KeyA, keys.KeyAPublic, (string?)null),
            "ecparam" => (keys.EcparamPkcs8, keys.EcparamPublic, null),
            _ => (keys.Encrypted, keys.EncryptedPublic, KeyFiles.Password),
        };
        using var key = SigningKey.Load(path, password);
        var data = "the payload bytes"u8.ToArray();

        var signature = key.Sign(data);

        Assert.InRange(signature.Length, 68, 72);
        Assert.Equal(0x30, signature[0]);
        var (verified, output) = await OpenSsl.VerifyAsync(publicKey, signature, data, keys.Scratch);
        Assert.True(verified, output);
        // The public half is the SPKI PEM openssl writes, byte for byte.
        Assert.Equal(File.ReadAllText(publicKey).TrimEnd(), key.PublicKey.Pem.TrimEnd());
        using var loaded = VerificationKey.Load(publicKey);
        Assert.True(loaded.Verify(data, signature));
        Assert.False(loaded.Verify("other bytes"u8, signature));
    }

    [Fact]
    public void The_parameters_block_that_ecparam_writes_before_the_key_is_skipped_but_the_SEC1_key_is_refused_with_how_to_convert()
    {
        var error = Assert.Throws<SigningKeyException>(() => SigningKey.Load(keys.WithParameters));
        Assert.Equal($"The signing key file {keys.WithParameters} holds a SEC1 'EC PRIVATE KEY' (what 'openssl ecparam -genkey' writes); convert it to PKCS#8 with 'openssl pkcs8 -topk8 -in <file> -out <new file>' (add -nocrypt for no password).", error.Message);
    }

    public static TheoryData<string, string> BadKeys => new()
    {
        { "rsa", "holds an RSA key; signing needs an EC P-256 key" },
        { "rsa-traditional", "holds an RSA key; signing needs an EC P-256 private key in PKCS#8 PEM" },
        { "rsa-encrypted", "holds an RSA key (encrypted); signing needs an EC P-256 key" },
        { "p384", "holds an EC key on the curve P-384; signing needs an EC P-256 key" },
        { "ed25519", "holds an Ed25519 key; signing needs an EC P-256 key" },
        { "sec1", "holds a SEC1 'EC PRIVATE KEY'" },
        { "public", "holds a public key; signing needs the private key" },
        { "certificate", "holds a certificate, not a key" },
        { "text", "is not a PEM key (no '-----BEGIN …-----' line)" },
        { "empty", "is not a PEM key" },
        { "truncated", "has a malformed PEM block" },
        { "binary", "is binary (DER, perhaps), not PEM" },
        { "missing", "does not exist" },
        { "directory", "is a directory" },
        { "wrong-password", "could not be decrypted: the password is wrong" },
        { "no-password", "is encrypted; give its password" },
        { "cosign", "is in cosign's own key format" },
        { "two-keys", "holds 2 PEM blocks (PRIVATE KEY, PRIVATE KEY); expected exactly one" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task Every_bad_key_input_gets_one_clear_error_naming_the_file_and_what_it_holds(string kind, string expected)
    {
        using var scratch = new TempDirectory("kanikobuild-badkey-");
        string? password = null;
        var path = kind switch
        {
            "rsa" => keys.Rsa,
            "rsa-traditional" => keys.RsaTraditional,
            "rsa-encrypted" => keys.RsaEncrypted,
            "p384" => keys.P384,
            "ed25519" => keys.Ed25519,
            "sec1" => keys.EcparamSec1,
            "public" => keys.KeyAPublic,
            "certificate" => keys.Certificate,
            "text" => scratch.Write("key.pem", "this is not a key\n"),
            "empty" => scratch.Write("key.pem", ""),
            "truncated" => scratch.Write("key.pem", File.ReadAllText(keys.KeyA)[..100]),
            "binary" => await Der(scratch),
            "missing" => scratch.Combine("nope.pem"),
            "directory" => scratch.Path,
            "cosign" => scratch.Write("cosign.key", "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"),
            "two-keys" => scratch.Write("two.pem", File.ReadAllText(keys.KeyA) + File.ReadAllText(keys.KeyB)),
            _ => keys.Encrypted,
        };
        if (kind == "wrong-password")
            password = "not the password";
        if (kind is "rsa-encrypted")
            password = KeyFiles.Password;

        var error = Assert.Throws<SigningKeyException>(() => SigningKey.Load(path, password));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<PipelineException>(error);
        // Never key material in the message.
        if (File.Exists(path))
        {
            foreach (var line in File.ReadAllLines(path).Where(l => l.Length > 8 && !l.StartsWith("-----", StringComparison.Ordinal)))
                Assert.DoesNotContain(line, error.Message, StringComparison.Ordinal);
        }
    }

    static async Task<string> Der(TempDirectory scratch)
    {
        var path = scratch.Combine("key.der");
        await OpenSsl.RunAsync("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-outform", "DER", "-out", path);
        return path;
    }

    [Fact]
    public void Every_line_of_the_key_file_is_masked_in_logs_once_the_key_is_read()
    {
        using var key = SigningKey.Load(keys.KeyB);
        var text = File.ReadAllText(keys.KeyB);

        var masked = Secrets.Mask(text);

        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)))
            Assert.DoesNotContain(line, masked, StringComparison.Ordinal);
        Assert.Contains(Secrets.Redacted, masked, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN PRIVATE KEY", key.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadPublicKeys => new()
    {
        { "private", "holds a private key; verifiers get only the public key" },
        { "rsa", "holds an RSA key; expected an EC P-256 public key" },
        { "p384", "holds an EC key on the curve P-384" },
        { "certificate", "holds a certificate" },
    };

    [Theory]
    [MemberData(nameof(BadPublicKeys))]
    public void A_public_key_that_is_not_EC_P256_SPKI_is_refused_clearly(string kind, string expected)
    {
        var path = kind switch
        {
            "private" => keys.KeyA,
            "rsa" => keys.RsaPublic,
            "p384" => keys.P384Public,
            _ => keys.Certificate,
        };
        var error = Assert.Throws<SigningKeyException>(() => VerificationKey.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
