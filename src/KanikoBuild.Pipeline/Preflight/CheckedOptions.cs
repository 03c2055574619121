using KanikoBuild.Dockerfiles;
using KanikoBuild.Kaniko;
using KanikoBuild.Prisma;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;

namespace KanikoBuild.Pipeline.Preflight;

// The pipeline's inputs parsed once, into the types they are, by the preflight. Each record is one concern's
// options; the targets read these instead of parsing PipelineSettings' strings again.

/// <summary>What a kaniko build of the pipeline builds: context, Dockerfile (parsed), stage, cache and runner.</summary>
public sealed record BuildOptions(
    KanikoContext Context,
    string? DockerfilePath,
    Dockerfile? Dockerfile,
    Stage? Stage,
    ImageReference? CacheRepo,
    KanikoRunnerKind Runner)
{
    /// <summary>kaniko's <c>--target</c> for a push build: none for the last stage, else the stage's name.</summary>
    public IReadOnlyList<string> PushTargets => Stage is null || Dockerfile is null || ReferenceEquals(Stage, Dockerfile.Stages[^1]) ? [] : [Stage.Name!];
}

/// <summary>The Console and the account used on it.</summary>
public sealed record ConsoleOptions(Uri Url, string User, string Password, string? Project, string? CaCertificatePath)
{
    public ComputeClientOptions ToClientOptions() => new()
    {
        ConsoleUrl = Url, Username = User, Password = Password, Project = Project, CaCertificatePath = CaCertificatePath,
    };

    // The password must never reach a log line through a record's generated ToString.
    public override string ToString() => $"ConsoleOptions {{ Url = {Url}, User = {User} }}";
}

/// <summary>The verdict: the policy (loaded once, here) and where which reports go.</summary>
public sealed record VerdictOptions(ScanPolicy Policy, IReadOnlySet<ReportFormat> Formats, string ReportsDirectory);

/// <summary>The image in the dev registry: <c>--dev-registry</c>, <c>--image</c>, <c>--tag</c>, and <c>--image-digest</c> when given.</summary>
public sealed record DevImageOptions(RegistrySpec Registry, string Image, string Repository, string Tag, string? Digest)
{
    /// <summary><c>host/prefix/image:tag</c>, what PushDev pushes to.</summary>
    public string Reference => $"{Registry.Host}/{Repository}:{Tag}";
}

/// <summary>Where Promote copies to, and the tags it writes there.</summary>
public sealed record PromotionOptions(RegistrySpec Registry, IReadOnlyList<string> Tags);
