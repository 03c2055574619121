using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.Building;

/// <summary>
/// What every kaniko build of the pipeline shares (ScanBuild, ReleaseBuild, PushDev): the context, the Dockerfile,
/// build arguments, the layer cache, the registry logins and the runner. The scan build and the release build take
/// the same cache settings from here, which is what lets the release build reuse the scanned layers. The context,
/// Dockerfile and stage come found and parsed from the preflight (<see cref="CheckedBuild"/>).
/// </summary>
public sealed class BuildInputs(PipelineRun run, CheckedInputs inputs)
{
    public CheckedBuild Build { get; } = inputs.RequireBuild();

    public KanikoContext Context => Build.Context;

    /// <summary>The Dockerfile on this machine (null for a remote context, where kaniko finds it in the fetched context).</summary>
    public string? DockerfilePath => Build.DockerfilePath;

    public RegistryLogins Logins { get; } = inputs.Logins;

    public bool CacheEnabled => Build.CacheRepo is not null;

    /// <summary>The request fields every build of the pipeline sets the same way.</summary>
    public KanikoBuildRequest BaseRequest() => new()
    {
        Context = Context,
        Dockerfile = BuildSource.ForKaniko(run.Options.Input, DockerfilePath),
        BuildArgs = run.Options.Input.BuildArgs,
        Cache = CacheEnabled,
        CacheRepo = Build.CacheRepo?.ToString(),
        RegistryCredentials = Logins.ByHost,
        InsecureRegistries = Logins.Insecure.Select(r => r.Host).ToList(),
        // Only stages the target needs: kaniko otherwise builds every stage before it (kaniko.md §3).
        // COPY layers too: re-run, they get fresh directory times and would differ from the scanned ones.
        CacheCopyLayers = CacheEnabled ? true : null,
        SkipUnusedStages = true,
    };

    public IKanikoRunner CreateRunner() => run.Options.Kaniko.CreateRunner();
}
