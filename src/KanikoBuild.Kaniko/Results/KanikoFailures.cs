namespace KanikoBuild.Kaniko;

/// <summary>Turns a non-zero executor exit into the one sentence a user can act on.</summary>
public static class KanikoFailures
{
    public const int OomKilledExitCode = 137;

    public static KanikoFailure FromExit(int exitCode, KanikoOutput output, string runner)
    {
        var tail = output.Tail;
        var detail = output.LastErrorLine is { } error ? $" kaniko said: {error}" : string.Empty;
        if (exitCode == OomKilledExitCode)
            return new KanikoFailure(KanikoFailureKind.OutOfMemory,
                $"kaniko was killed with exit code 137 ({runner}), almost always for lack of memory; give the executor more memory, or build with --compressed-caching=false (caching compresses whole layers in memory) and without --reproducible.",
                exitCode, output.LastStep, tail);
        if (output.SawStepExit && output.LastStep is { } step)
            return new KanikoFailure(KanikoFailureKind.BuildStepFailed,
                $"The Dockerfile step '{step}' failed with exit code {exitCode}; its output is above.",
                exitCode, step, tail);
        if (output.SawStepExit)
            return new KanikoFailure(KanikoFailureKind.BuildStepFailed,
                $"A Dockerfile RUN step failed with exit code {exitCode}; its output is above.{detail}",
                exitCode, null, tail);
        // After the step check: a RUN that fails on a 401 of its own (curl, npm) is still that step's failure.
        if (output.SawAuthRefusal)
            return new KanikoFailure(KanikoFailureKind.PushRefused,
                $"kaniko exited with code {exitCode}: a registry refused access (401/403); check the registry credentials given for the destination, cache and base-image registries, and that the account may push to the repository.{detail}",
                exitCode, output.LastStep, tail);
        return new KanikoFailure(KanikoFailureKind.ExecutorFailed,
            $"kaniko exited with code {exitCode} ({runner}).{(detail.Length > 0 ? detail : " Its output is above.")} Check the Dockerfile, the base images and the registries it names.",
            exitCode, output.LastStep, tail);
    }
}
