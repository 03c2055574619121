using KanikoBuild.Engine;
using KanikoBuild.Pipeline;
using KanikoBuild.Pipeline.Preflight;

/// <summary>
/// KanikoBuild's target graph. Alternative A: <see cref="ScanBuild"/> → <see cref="ReleaseBuild"/>.
/// Alternative B: <see cref="PushDev"/> → <see cref="AwaitScan"/> → <see cref="Promote"/>.
/// Targets are a few lines each; the pipeline's logic lives in <c>src/</c>.
/// </summary>
partial class Build : NukeBuild
{
    public static int Main() => Execute<Build>(x => x.ScanBuild);

    CheckedInputs? _checkedInputs;

    /// <summary>
    /// Every input of this run's pipeline targets, checked by the first of them before anything is built; the
    /// later ones reuse what it parsed (the same loaded policy for the verdict).
    /// </summary>
    async Task<CheckedInputs> CheckedInputsAsync(CancellationToken ct) =>
        _checkedInputs ??= await PipelinePreflight.CheckAsync(Settings, ScheduledTargets, ct);

    /// <summary>Every parameter the pipeline reads, gathered in one place.</summary>
    PipelineSettings Settings => new()
    {
        RootDirectory = RootDirectory,
        TemporaryDirectory = TemporaryDirectory,
        Dockerfile = Dockerfile, Context = Context, Stage = Stage, Destinations = Destination, BuildArgs = BuildArgs,
        CacheRepo = CacheRepo, InstrumentedDockerfile = InstrumentedDockerfile,
        KanikoImage = KanikoImage, KanikoRunner = KanikoRunner, KanikoNetwork = KanikoNetwork, KanikoExecutor = KanikoExecutor,
        ConsoleUrl = ConsoleUrl, ConsoleUser = ConsoleUser, ConsolePassword = ConsolePassword, ConsoleProject = ConsoleProject,
        ConsoleCaCert = ConsoleCaCert, TwistcliPath = TwistcliPath, TriggerScan = TriggerScan, ScanTimeout = ScanTimeout,
        DevRegistry = DevRegistry, ProdRegistry = ProdRegistry, Image = Image, Tag = Tag, ImageDigest = ImageDigest,
        PromoteTags = PromoteTags, InsecureRegistries = InsecureRegistry,
        DevRegistryUser = DevRegistryUser, DevRegistryPassword = DevRegistryPassword,
        ProdRegistryUser = ProdRegistryUser, ProdRegistryPassword = ProdRegistryPassword, OverwriteTags = OverwriteTags,
        Policy = Policy, FailOn = FailOn, ReportsDir = ReportsDir, ReportFormats = ReportFormats,
    };
}
