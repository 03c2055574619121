using KanikoBuild.Kaniko;

namespace KanikoBuild.Pipeline.Building;

/// <summary>
/// The one way the pipeline finds what it builds, for every target that reads a Dockerfile (Instrument, ScanBuild,
/// ReleaseBuild, PushDev): the context as kaniko takes it, and the Dockerfile on this machine as kaniko finds it.
/// </summary>
public static class BuildSource
{
    static ParameterName ContextName => ParameterName.Of<BuildInputOptions>(nameof(BuildInputOptions.Context));
    static ParameterName DockerfileName => ParameterName.Of<BuildInputOptions>(nameof(BuildInputOptions.Dockerfile));

    /// <summary>The given context (a directory relative to the root, or a URL kaniko fetches), else the root.</summary>
    public static KanikoContext Context(BuildInputOptions input, string rootDirectory) => KanikoContext.Parse(string.IsNullOrWhiteSpace(input.Context)
        ? rootDirectory
        : input.Context.Contains("://", StringComparison.Ordinal) ? input.Context.Trim() : Path.GetFullPath(input.Context.Trim(), rootDirectory));

    /// <summary>
    /// The Dockerfile on this machine, as kaniko finds it: the path as given (here: from the root), else relative to the
    /// context directory. Null for a remote context, where kaniko finds it in the fetched context.
    /// </summary>
    public static string? Dockerfile(BuildInputOptions input, KanikoContext context, string rootDirectory)
    {
        if (!context.IsDirectory)
            return null;
        if (!Directory.Exists(context.HostDirectory))
            throw new PipelineException($"{ContextName}: the build context '{context.HostDirectory}' does not exist; pass an existing directory.");
        var given = string.IsNullOrWhiteSpace(input.Dockerfile) ? "Dockerfile" : input.Dockerfile.Trim();
        var candidates = Path.IsPathRooted(given)
            ? [given]
            : new[] { Path.GetFullPath(given, rootDirectory), Path.Combine(context.HostDirectory!, given) };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new PipelineException($"The Dockerfile '{given}' does not exist (looked in {string.Join(" and ", candidates.Distinct())}); pass {DockerfileName}.");
    }

    /// <summary>What kaniko's <c>--dockerfile</c> is: the resolved local file, else the path as given inside a remote context.</summary>
    public static string ForKaniko(BuildInputOptions input, string? resolvedDockerfile) =>
        resolvedDockerfile ?? (string.IsNullOrWhiteSpace(input.Dockerfile) ? "Dockerfile" : input.Dockerfile.Trim());
}
