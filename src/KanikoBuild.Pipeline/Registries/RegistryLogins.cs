using KanikoBuild.Registry;
using KanikoCredential = KanikoBuild.Kaniko.RegistryCredential;

namespace KanikoBuild.Pipeline.Registries;

/// <summary>
/// Which login goes to which registry host: the dev pair for the dev registry (and a cache repository or
/// destination on that host), the production pair for the production registry. kaniko picks credentials per
/// host (kaniko.md §1.3), so two logins for one host cannot both be honoured: the dev pair wins for building.
/// </summary>
public sealed class RegistryLogins
{
    readonly List<(string Host, string User, string Password)> _logins = [];
    readonly IReadOnlyList<string> _insecureRegistries;

    public RegistryLogins(PipelineSettings settings)
    {
        _insecureRegistries = settings.InsecureRegistries;
        Add(settings.DevRegistry, settings.DevRegistryUser, settings.DevRegistryPassword);
        Add(settings.ProdRegistry, settings.ProdRegistryUser, settings.ProdRegistryPassword);
    }

    void Add(string? registry, string? user, string? password)
    {
        if (string.IsNullOrWhiteSpace(registry) || string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
            return;
        Secrets.Register(password);
        var host = RegistrySpec.Parse(registry).Host;
        if (_logins.All(l => !string.Equals(l.Host, host, StringComparison.OrdinalIgnoreCase)))
            _logins.Add((host, user, password));
    }

    /// <summary>The logins to write into the executor's config.json.</summary>
    public IReadOnlyList<KanikoCredential> ForKaniko() => _logins.Select(l => new KanikoCredential(l.Host, l.User, l.Password)).ToList();

    /// <summary>The pipeline's own registry client for <paramref name="registry"/>: its login and the plain-HTTP list.</summary>
    public RegistryClient ClientFor(RegistrySpec registry, Func<RegistryClientOptions, RegistryClientOptions>? tune = null)
    {
        var options = new RegistryClientOptions { Credential = For(registry.Host), InsecureRegistries = _insecureRegistries.ToList() };
        return new RegistryClient(registry, tune?.Invoke(options) ?? options);
    }

    /// <summary>The login for one registry host, for the pipeline's own registry client.</summary>
    public RegistryCredential? For(string host) =>
        _logins.FirstOrDefault(l => string.Equals(l.Host, host, StringComparison.OrdinalIgnoreCase)) is { Host: not null } login
            ? new RegistryCredential(login.User, login.Password)
            : null;
}
