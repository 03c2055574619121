namespace KanikoBuild.Pipeline.Preflight;

/// <summary>The pipeline targets of one run, whose inputs the preflight checks together before the first build.</summary>
[Flags]
public enum PipelineTargets
{
    None = 0,
    ScanBuild = 1,
    ReleaseBuild = 2,
    PushDev = 4,
    AwaitScan = 8,
    Promote = 16,
    Instrument = 32,
    VerifyImage = 64,
    ScanTarball = 128,
    PushScanned = 256,
}

public static class PipelineTargetNames
{
    /// <summary>The pipeline targets among <paramref name="names"/> (the build's scheduled targets); others are ignored.</summary>
    public static PipelineTargets Parse(IEnumerable<string> names) =>
        names.Aggregate(PipelineTargets.None, (all, name) =>
            all | (Enum.TryParse<PipelineTargets>(name, ignoreCase: true, out var target) ? target : PipelineTargets.None));
}
