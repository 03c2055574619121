namespace KanikoBuild.Dockerfiles;

/// <summary>The scan Dockerfile and what the build needs to know about it.</summary>
public sealed record InstrumentedDockerfile
{
    /// <summary>The original text (plus, at most, an <c>AS</c> name on the scanned stage's FROM) followed by the scan stage.</summary>
    public required string Text { get; init; }

    /// <summary>The name of the scanned stage in <see cref="Text"/> (its own, or the one added).</summary>
    public required string ScannedStage { get; init; }

    public required int ScannedStageIndex { get; init; }

    /// <summary>
    /// The stage to build (kaniko <c>--target</c>, <c>docker build --target</c>): the appended scan stage, or the scanned
    /// stage itself when <see cref="ScansInStage"/>.
    /// </summary>
    public required string ScanStage { get; init; }

    /// <summary>Where twistcli writes its result inside the build.</summary>
    public required string ResultPathInBuild { get; init; }

    /// <summary>The same file relative to the tools folder (where the pipeline finds it on the host).</summary>
    public required string ResultRelativePath { get; init; }

    /// <summary>The fresh report id passed to twistcli; also the nonce that keeps the scan step out of the layer cache.</summary>
    public required string ReportId { get; init; }

    /// <summary>True when the scanned stage declares ONBUILD triggers and the scan stage copies its filesystem instead of building FROM it.</summary>
    public bool SkipsOnBuildTriggers { get; init; }

    /// <summary>True when the scanned stage's FROM got an <c>AS</c> name.</summary>
    public bool AddedStageName { get; init; }

    /// <summary>True when the scan step was appended to the scanned stage itself (<see cref="ScanStageOptions.InStage"/>).</summary>
    public bool ScansInStage { get; init; }
}
