using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Registries;

namespace KanikoBuild.Pipeline.Building;

/// <summary>
/// What every kaniko build of the pipeline shares (ScanBuild, ReleaseBuild, PushDev): the context, the
/// Dockerfile, build arguments, the layer cache and the registry logins. The scan build and the release build
/// take the same cache settings from here, which is what lets the release build reuse the scanned layers.
/// The context, Dockerfile and stage come checked and parsed from the preflight (<see cref="BuildOptions"/>).
/// </summary>
public sealed class BuildInputs
{
    public BuildInputs(PipelineSettings settings, BuildOptions options)
    {
        Settings = settings;
        Options = options;
        Context = options.Context;
        DockerfilePath = options.DockerfilePath;
        Logins = new RegistryLogins(settings);
    }

    public PipelineSettings Settings { get; }

    public BuildOptions Options { get; }

    public KanikoContext Context { get; }

    /// <summary>The Dockerfile on this machine (null for a remote context, where kaniko finds it in the fetched context).</summary>
    public string? DockerfilePath { get; }

    public RegistryLogins Logins { get; }

    public bool CacheEnabled => Options.CacheRepo is not null;

    /// <summary>The request fields every build of the pipeline sets the same way.</summary>
    public KanikoBuildRequest BaseRequest() => new()
    {
        Context = Context,
        Dockerfile = DockerfilePath ?? Settings.Dockerfile ?? "Dockerfile",
        BuildArgs = Settings.BuildArgs,
        Cache = CacheEnabled,
        CacheRepo = CacheEnabled ? Settings.CacheRepo!.Trim() : null,
        RegistryCredentials = Logins.ForKaniko(),
        InsecureRegistries = Settings.InsecureRegistries,
        // Only stages the target needs: kaniko otherwise builds every stage before it (kaniko.md §3).
        // COPY layers too: re-run, they get fresh directory times and would differ from the scanned ones.
        CacheCopyLayers = CacheEnabled ? true : null,
        SkipUnusedStages = true,
    };

    public IKanikoRunner CreateRunner() => KanikoRunnerFactory.Create(Options.Runner,
        new DockerKanikoRunnerOptions
        {
            Image = string.IsNullOrWhiteSpace(Settings.KanikoImage) ? DockerKanikoRunnerOptions.DefaultImage : Settings.KanikoImage,
            NetworkMode = string.IsNullOrWhiteSpace(Settings.KanikoNetwork) ? null : Settings.KanikoNetwork,
        },
        new LocalKanikoRunnerOptions { ExecutorPath = string.IsNullOrWhiteSpace(Settings.KanikoExecutor) ? LocalKanikoRunnerOptions.DefaultExecutor : Settings.KanikoExecutor });

    /// <summary>The Dockerfile on this machine, as kaniko finds it: the path as given (from the root), else relative to the context.</summary>
    internal static string? ResolveDockerfile(PipelineSettings settings, KanikoContext context)
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
