namespace KanikoBuild.Signing;

/// <summary>
/// The keys signing uses, as the user gave them: the private key that signs shipped digests (and its password), and
/// the public key <c>VerifyImage</c> checks a signature with. Paths are relative to the root directory.
/// </summary>
[ParameterGroup("Signing")]
public sealed record SigningOptions
{
    [Parameter("Private key (PEM: PKCS#8, EC P-256 recommended) that signs every shipped digest with its verdict. Default: no signing.", Name = "SigningKey")]
    public string? KeyPath { get; init; }

    [Parameter("Password of an encrypted --signing-key.", Name = "SigningKeyPassword")]
    [Secret]
    public string? KeyPassword { get; init; }

    [Parameter("Public key (PEM) a signed verdict is verified with.", Name = "VerifyKey")]
    public string? VerifyKeyPath { get; init; }

    // The key password must never reach a log line through a record's generated ToString.
    public override string ToString() => $"SigningOptions {{ KeyPath = {KeyPath}, VerifyKeyPath = {VerifyKeyPath} }}";
}
