using KanikoBuild.Testing;

namespace KanikoBuild.Signing.Tests;

/// <summary>
/// Keys made by openssl once per test class, in every shape a user might hand over: PKCS#8 from genpkey, SEC1
/// from ecparam and its PKCS#8 conversion, an encrypted PKCS#8 key, public keys, and the wrong kinds.
/// </summary>
public sealed class KeyFiles : IAsyncLifetime
{
    /// <summary>The encrypted key's password (reaches openssl through the environment, not its command line).</summary>
    public const string Password = "correct horse battery staple";

    readonly TempDirectory _directory = new("kanikobuild-signing-keys-");

    public string Directory => _directory.Path;
    public string KeyA => _directory.Combine("key-a.pem");
    public string KeyAPublic => _directory.Combine("key-a.pub");
    public string KeyB => _directory.Combine("key-b.pem");
    public string KeyBPublic => _directory.Combine("key-b.pub");
    public string EcparamSec1 => _directory.Combine("ecparam-sec1.pem");
    public string EcparamPkcs8 => _directory.Combine("ecparam-pkcs8.pem");
    public string EcparamPublic => _directory.Combine("ecparam.pub");
    public string Encrypted => _directory.Combine("encrypted.pem");
    public string EncryptedPublic => _directory.Combine("encrypted.pub");
    public string Rsa => _directory.Combine("rsa.pem");
    public string RsaTraditional => _directory.Combine("rsa-traditional.pem");
    public string RsaEncrypted => _directory.Combine("rsa-encrypted.pem");
    public string RsaPublic => _directory.Combine("rsa.pub");
    public string P384 => _directory.Combine("p384.pem");
    public string P384Public => _directory.Combine("p384.pub");
    public string Ed25519 => _directory.Combine("ed25519.pem");
    public string Certificate => _directory.Combine("cert.pem");
    public string WithParameters => _directory.Combine("ecparam-with-parameters.pem");

    public TempDirectory Scratch => _directory;

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string> { ["KEY_PASSWORD"] = Password };
        await OpenSsl.RunAsync("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", KeyA);
        await OpenSsl.RunAsync("pkey", "-in", KeyA, "-pubout", "-out", KeyAPublic);
        await OpenSsl.RunAsync("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", KeyB);
        await OpenSsl.RunAsync("pkey", "-in", KeyB, "-pubout", "-out", KeyBPublic);
        await OpenSsl.RunAsync("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", EcparamSec1);
        await OpenSsl.RunAsync("pkcs8", "-topk8", "-nocrypt", "-in", EcparamSec1, "-out", EcparamPkcs8);
        await OpenSsl.RunAsync("pkey", "-in", EcparamSec1, "-pubout", "-out", EcparamPublic);
        await OpenSsl.RunAsync("ecparam", "-name", "prime256v1", "-genkey", "-out", WithParameters);
        await OpenSsl.RunAsync(environment, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass", "env:KEY_PASSWORD", "-out", Encrypted);
        await OpenSsl.RunAsync(environment, "pkey", "-in", Encrypted, "-passin", "env:KEY_PASSWORD", "-pubout", "-out", EncryptedPublic);
        await OpenSsl.RunAsync("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", Rsa);
        await OpenSsl.RunAsync("pkey", "-in", Rsa, "-pubout", "-out", RsaPublic);
        await OpenSsl.RunAsync("pkey", "-in", Rsa, "-traditional", "-out", RsaTraditional);
        await OpenSsl.RunAsync(environment, "pkcs8", "-topk8", "-in", Rsa, "-passout", "env:KEY_PASSWORD", "-out", RsaEncrypted);
        await OpenSsl.RunAsync("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", P384);
        await OpenSsl.RunAsync("pkey", "-in", P384, "-pubout", "-out", P384Public);
        await OpenSsl.RunAsync("genpkey", "-algorithm", "ed25519", "-out", Ed25519);
        await OpenSsl.RunAsync("req", "-x509", "-new", "-key", KeyA, "-subj", "/CN=kanikobuild-test", "-days", "1", "-out", Certificate);
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
