namespace KanikoBuild.Kaniko;

/// <summary>
/// Turns a non-zero executor exit into the one sentence a user can act on, from what kaniko printed: the line it
/// exited with names the cause (a RUN step's exit, a refused connection, DNS, TLS, a refused login, a missing
/// image) and the registry it was talking to.
/// </summary>
public static class KanikoFailures
{
    public const int OomKilledExitCode = 137;

    public static KanikoFailure FromExit(int exitCode, KanikoOutput output, string runner, ExecutorNetwork? network = null)
    {
        network ??= ExecutorNetwork.SameHost;
        var tail = output.Tail;
        // Without kaniko's own exit line (an executor that died, a different log shape), the last line naming a cause.
        var fatal = output.FatalLine ?? output.LastErrorLine ?? tail.LastOrDefault(l => RegistryCause.From(l) is not null);
        var detail = fatal is { } error ? $" kaniko said: {error}" : string.Empty;
        if (exitCode == OomKilledExitCode)
            return new KanikoFailure(KanikoFailureKind.OutOfMemory,
                $"kaniko was killed with exit code 137 ({runner}), almost always for lack of memory; give the executor more memory, or build with --compressed-caching=false (caching compresses whole layers in memory) and without --reproducible.",
                exitCode, output.LastStep, tail);
        // First: a RUN that fails on a refused connection or a 401 of its own (curl, npm) is still that step's failure.
        var stepExit = fatal is null ? output.SawStepExit : KanikoOutput.IsStepExit(fatal) || (output.SawStepExit && output.FatalLine is null);
        if (stepExit && output.LastStep is { } step)
            return new KanikoFailure(KanikoFailureKind.BuildStepFailed,
                $"The Dockerfile step '{step}' failed with exit code {exitCode}; its output is above.",
                exitCode, step, tail);
        if (stepExit)
            return new KanikoFailure(KanikoFailureKind.BuildStepFailed,
                $"A Dockerfile RUN step failed with exit code {exitCode}; its output is above.{detail}",
                exitCode, null, tail);
        if (fatal is not null && RegistryCause.From(fatal) is { } cause)
            return new KanikoFailure(cause.Kind, $"kaniko exited with code {exitCode}: {Explain(cause, fatal, output, network)}{detail}", exitCode, output.LastStep, tail, registry: cause.Registry);
        return new KanikoFailure(KanikoFailureKind.ExecutorFailed,
            $"kaniko exited with code {exitCode} ({runner}).{(detail.Length > 0 ? detail : " Its output is above.")} Check the Dockerfile, the base images and the registries it names.",
            exitCode, output.LastStep, tail);
    }

    static string Explain(RegistryCause cause, string fatal, KanikoOutput output, ExecutorNetwork network)
    {
        var registry = cause.Registry ?? "a registry";
        var during = During(fatal, output);
        return cause.Kind switch
        {
            KanikoFailureKind.RegistryUnreachable when cause.IsLoopback && !network.SharesHostLoopback =>
                $"it could not connect to the registry {registry}{during} ({cause.Detail}). {registry} is a loopback address, and the kaniko container " +
                $"runs on {network.Description}, where loopback is the container itself, not this machine: pass --kaniko-network host to reach a registry on this machine.",
            KanikoFailureKind.RegistryUnreachable =>
                $"it could not connect to the registry {registry}{during} ({cause.Detail}). Check that the registry runs and that the host and port are right, " +
                "and the network, proxy and firewall between the executor and the registry.",
            KanikoFailureKind.RegistryDns =>
                $"the registry host {registry} does not resolve{during} ({cause.Detail}). Check the registry name in --destination, --cache-repo, --dev-registry or the FROM line, and the executor's DNS.",
            KanikoFailureKind.RegistryTls when cause.PlainHttpRegistry =>
                $"the registry {registry} speaks plain HTTP, not HTTPS{during} ({cause.Detail}). If that is intended, name it with --insecure-registry {registry}.",
            KanikoFailureKind.RegistryTls =>
                $"TLS with the registry {registry} failed{during} ({cause.Detail}). Give the executor the CA that signed its certificate (kaniko's --registry-certificate {registry}=<ca.pem>), or fix the certificate's name.",
            KanikoFailureKind.PushRefused =>
                $"a registry refused access (401/403); check the registry credentials given for {registry} (--dev-registry-user/--prod-registry-user, or the Docker config's login){during}, " +
                $"and that the account may {(during.Contains("pull", StringComparison.Ordinal) ? "pull that image (Docker Hub answers 401 for a repository that does not exist, too)" : "push to the repository")}.",
            KanikoFailureKind.ImageNotFound =>
                $"the image {cause.Image ?? output.LastImage ?? registry} does not exist in its registry ({cause.Detail}). Check the FROM line (and the --build-args it uses), the tag, and that the image was pushed.",
            _ => cause.Detail,
        };
    }

    /// <summary>What kaniko was doing, from the wording of its exit line.</summary>
    static string During(string fatal, KanikoOutput output)
    {
        if (fatal.Contains("push permission", StringComparison.Ordinal))
            return " while checking that it may push";
        if (fatal.StartsWith("error pushing image", StringComparison.Ordinal) || fatal.Contains("failed to push", StringComparison.Ordinal))
            return " while pushing the image";
        if (fatal.Contains("cache", StringComparison.OrdinalIgnoreCase))
            return " while using the layer cache";
        if (output.LastImage is { } image)
            return $" while pulling {image}";
        return string.Empty;
    }
}
