using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline.Registries;

namespace KanikoBuild.Pipeline.Building;

/// <summary>
/// What every kaniko build of the pipeline shares (ScanBuild, ReleaseBuild, PushDev): the context, the
/// Dockerfile, build arguments, the layer cache and the registry logins. The scan build and the release build
/// take the same cache settings from here, which is what lets the release build reuse the scanned layers.
/// </summary>
public sealed class BuildInputs
{
    public BuildInputs(PipelineSettings settings)
    {
        Settings = settings;
        Context = KanikoContext.Parse(string.IsNullOrWhiteSpace(settings.Context)
            ? settings.RootDirectory
            : settings.Context.Contains("://", StringComparison.Ordinal) ? settings.Context : Path.GetFullPath(settings.Context, settings.RootDirectory));
        DockerfilePath = ResolveDockerfile(settings, Context);
        Logins = new RegistryLogins(settings);
    }

    public PipelineSettings Settings { get; }

    public KanikoContext Context { get; }

    /// <summary>The Dockerfile on this machine (null for a remote context, where kaniko finds it in the fetched context).</summary>
    public string? DockerfilePath { get; }

    public RegistryLogins Logins { get; }

    public bool CacheEnabled => !string.IsNullOrWhiteSpace(Settings.CacheRepo);

    /// <summary>The request fields every build of the pipeline sets the same way.</summary>
    public KanikoBuildRequest BaseRequest() => new()
    {
        Context = Context,
        Dockerfile = DockerfilePath ?? Settings.Dockerfile ?? "Dockerfile",
        BuildArgs = Settings.BuildArgs,
        Cache = CacheEnabled,
        CacheRepo = CacheEnabled ? Settings.CacheRepo : null,
        RegistryCredentials = Logins.ForKaniko(),
        InsecureRegistries = Settings.InsecureRegistries,
        // Only stages the target needs: kaniko otherwise builds every stage before it (kaniko.md §3).
        // COPY layers too: re-run, they get fresh directory times and would differ from the scanned ones.
        CacheCopyLayers = CacheEnabled ? true : null,
        SkipUnusedStages = true,
    };

    public IKanikoRunner CreateRunner() =>
        KanikoRunnerFactory.Create(Settings.KanikoRunner, Settings.KanikoImage, Settings.KanikoNetwork, Settings.KanikoExecutor);

    static string? ResolveDockerfile(PipelineSettings settings, KanikoContext context)
    {
        if (!context.IsDirectory)
            return null;
        var given = string.IsNullOrWhiteSpace(settings.Dockerfile) ? "Dockerfile" : settings.Dockerfile;
        // As kaniko does: the path as given (here: from the root), else relative to the context.
        var candidates = Path.IsPathRooted(given)
            ? [given]
            : new[] { Path.GetFullPath(given, settings.RootDirectory), Path.Combine(context.HostDirectory!, given) };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new PipelineException($"The Dockerfile '{given}' does not exist (looked in {string.Join(" and ", candidates.Distinct())}); pass --dockerfile.");
    }
}
