using KanikoBuild.Engine;

/// <summary>
/// KanikoBuild's target graph. Alternative A: <see cref="ScanBuild"/> → <see cref="ReleaseBuild"/>.
/// Alternative B: <see cref="PushDev"/> → <see cref="AwaitScan"/> → <see cref="Promote"/>.
/// Targets are a few lines each; the pipeline's logic lives in <c>src/</c>.
/// </summary>
partial class Build : NukeBuild
{
    public static int Main() => Execute<Build>(x => x.ScanBuild);

    static Exception NotImplementedYet(string target) =>
        new KanikoBuild.PipelineException($"Target '{target}' is not implemented yet: its body arrives with its own issue.");
}
