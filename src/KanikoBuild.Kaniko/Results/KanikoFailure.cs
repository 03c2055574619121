namespace KanikoBuild.Kaniko;

public enum KanikoFailureKind
{
    /// <summary>The Docker engine did not answer.</summary>
    EngineUnreachable,
    /// <summary>The executor image is not in the engine and could not be pulled.</summary>
    ImageUnavailable,
    /// <summary>The local executor binary is missing or not executable.</summary>
    ExecutorMissing,
    /// <summary>A Dockerfile <c>RUN</c> step failed; kaniko exits with that step's code.</summary>
    BuildStepFailed,
    /// <summary>A registry answered 401/403 (push, push-permission probe, or a pull).</summary>
    PushRefused,
    /// <summary>kaniko could not connect to a registry: connection refused, no route, a timeout.</summary>
    RegistryUnreachable,
    /// <summary>A registry's host name does not resolve.</summary>
    RegistryDns,
    /// <summary>TLS with a registry failed: an untrusted certificate, or a plain-HTTP registry reached over HTTPS.</summary>
    RegistryTls,
    /// <summary>An image or repository kaniko needs does not exist (MANIFEST_UNKNOWN, NAME_UNKNOWN): usually the base image.</summary>
    ImageNotFound,
    /// <summary>Exit 137: the executor was killed, almost always for memory.</summary>
    OutOfMemory,
    /// <summary>Any other non-zero exit.</summary>
    ExecutorFailed,
}

/// <summary>
/// A kaniko run that failed, explained in one sentence with what to check. <see cref="ExitCode"/> is the
/// executor's exit code when it ran; <see cref="OutputTail"/> holds its last lines (already masked).
/// </summary>
public sealed class KanikoFailure : PipelineException
{
    public KanikoFailure(KanikoFailureKind kind, string message, int? exitCode = null, string? failedStep = null,
        IReadOnlyList<string>? outputTail = null, Exception? inner = null, string? registry = null)
        : base(message, inner!)
    {
        Kind = kind;
        ExitCode = exitCode;
        FailedStep = failedStep;
        OutputTail = outputTail ?? [];
        Registry = registry;
    }

    /// <summary>The registry host[:port] kaniko named in its error, when the failure is about one.</summary>
    public string? Registry { get; }

    public KanikoFailureKind Kind { get; }
    public int? ExitCode { get; }

    /// <summary>For <see cref="KanikoFailureKind.BuildStepFailed"/>: the instruction kaniko ran last, e.g. <c>RUN make test</c>.</summary>
    public string? FailedStep { get; }

    public IReadOnlyList<string> OutputTail { get; }
}
