namespace KanikoBuild.Registry;

/// <summary>
/// What a registry is logged in with: a user and password (or token used as a password), or an identity token
/// (an OAuth2 refresh token, as <c>docker login</c> stores for some registries).
/// </summary>
public sealed record RegistryCredential
{
    public RegistryCredential(string? username, string? password, string? identityToken = null)
    {
        Username = username ?? string.Empty;
        Password = password ?? string.Empty;
        IdentityToken = string.IsNullOrEmpty(identityToken) ? null : identityToken;
        Secrets.Register(Password);
        Secrets.Register(IdentityToken);
    }

    public string Username { get; }
    public string Password { get; }
    public string? IdentityToken { get; }

    public bool HasPassword => Username.Length > 0 || Password.Length > 0;

    // Records print their members; a credential must never reach a log line that way.
    public override string ToString() => $"RegistryCredential {{ Username = {Username} }}";
}
