namespace KanikoBuild.Registry;

/// <summary>
/// The one path every registry login takes: the dev pair for the dev registry's host, the production pair for the
/// production registry's host, handed to kaniko's <c>config.json</c>, to the pipeline's own registry clients and
/// to the promotion alike. kaniko picks credentials per host (kaniko.md §1.3), so two logins for one host cannot
/// both be honoured: the dev pair wins. A user without a password (or the reverse) is an error here, at the edge,
/// whoever asks: never a login silently dropped.
/// </summary>
public sealed class RegistryLogins
{
    readonly Dictionary<string, RegistryCredential> _byHost = new(StringComparer.OrdinalIgnoreCase);

    public RegistryLogins(RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new InputProblems();
        Check(options, problems);
        if (problems.Any)
            throw new PipelineException(string.Join(" ", problems.All));
        Insecure = options.Insecure;
        Add(options.Dev, options.DevUser, options.DevPassword);
        Add(options.Prod, options.ProdUser, options.ProdPassword);
    }

    /// <summary>No login at all: clients fall back to the Docker config.</summary>
    public static RegistryLogins None { get; } = new(new RegistryOptions());

    /// <summary>Each registry's user and password go together; what is wrong goes to <paramref name="problems"/>.</summary>
    public static void Check(RegistryOptions options, InputProblems problems)
    {
        Pair(ParameterName.Of<RegistryOptions>(nameof(RegistryOptions.DevUser)), options.DevUser,
            ParameterName.Of<RegistryOptions>(nameof(RegistryOptions.DevPassword)), options.DevPassword, problems);
        Pair(ParameterName.Of<RegistryOptions>(nameof(RegistryOptions.ProdUser)), options.ProdUser,
            ParameterName.Of<RegistryOptions>(nameof(RegistryOptions.ProdPassword)), options.ProdPassword, problems);
    }

    static void Pair(ParameterName userName, string? user, ParameterName passwordName, string? password, InputProblems problems)
    {
        if (string.IsNullOrEmpty(user) == string.IsNullOrEmpty(password))
            return;
        var (given, missing) = string.IsNullOrEmpty(password) ? (userName, passwordName) : (passwordName, userName);
        problems.Add(given, $"{given} is given without {missing}: a registry login needs both (or neither, to use the Docker config's login).");
    }

    /// <summary>Registries reached over plain HTTP (loopback ones always are).</summary>
    public IReadOnlyList<RegistrySpec> Insecure { get; }

    /// <summary>The login for each registry host: what kaniko's <c>config.json</c> holds.</summary>
    public IReadOnlyDictionary<string, RegistryCredential> ByHost => _byHost;

    /// <summary>The login for one registry host, or null (the Docker config's login is used then).</summary>
    public RegistryCredential? For(string host) => _byHost.GetValueOrDefault(host);

    /// <summary>A registry client for <paramref name="registry"/> with its login and the plain-HTTP list.</summary>
    public RegistryClient ClientFor(RegistrySpec registry, Func<RegistryClientOptions, RegistryClientOptions>? tune = null)
    {
        var options = new RegistryClientOptions { Credential = For(registry.Host), InsecureRegistries = Insecure.Select(r => r.Host).ToList() };
        return new RegistryClient(registry, tune?.Invoke(options) ?? options);
    }

    void Add(RegistrySpec? registry, string? user, string? password)
    {
        if (registry is null || string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
            return;
        _byHost.TryAdd(registry.Host, new RegistryCredential(user, password));
    }
}
