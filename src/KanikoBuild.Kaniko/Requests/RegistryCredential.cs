namespace KanikoBuild.Kaniko;

/// <summary>
/// A registry login kaniko uses to pull bases, read and write the cache and push. <paramref name="Registry"/> is a
/// host (<c>registry.example.com</c>, <c>127.0.0.1:5000</c>, <c>docker.io</c>); kaniko picks credentials per host.
/// </summary>
public sealed record RegistryCredential(string Registry, string Username, string Password)
{
    // Records print every property; this one must never print its password.
    public override string ToString() => $"RegistryCredential {{ Registry = {Registry}, Username = {Username}, Password = {Secrets.Redacted} }}";
}
