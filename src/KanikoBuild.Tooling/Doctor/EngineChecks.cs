using Docker.DotNet;
using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline;
using KanikoBuild.Registry;

namespace KanikoBuild.Tooling.Doctor;

/// <summary>
/// Where kaniko runs: the local executor, or the Docker engine and the executor image, which is inspected and,
/// when missing, pulled for real, as the first build would: an image that cannot be had is a failure here.
/// </summary>
internal static class EngineChecks
{
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var kaniko = run.Options.Kaniko;
        if (kaniko.ResolvedRunner == KanikoRunnerKind.Local)
        {
            var executor = kaniko.ExecutorPath;
            return
            [
                File.Exists(executor)
                    ? new DoctorCheck("kaniko", DoctorStatus.Ok, $"local runner: {executor} (no Docker engine needed)")
                    : new DoctorCheck("kaniko", DoctorStatus.Failed, $"local runner, but {executor} does not exist; run inside a kaniko debug image or use {ParameterName.Of<KanikoOptions>(nameof(KanikoOptions.Runner))} docker"),
            ];
        }

        var endpoint = DockerEndpoint.Resolve();
        try
        {
            using var configuration = new DockerClientConfiguration(endpoint, defaultTimeout: TimeSpan.FromSeconds(10));
            using var docker = configuration.CreateClient();
            var version = await docker.System.GetVersionAsync(ct).ConfigureAwait(false);
            var engine = new DoctorCheck("Docker engine", DoctorStatus.Ok, $"{endpoint}: engine {version.Version}, API {version.APIVersion}");
            return [engine, await ImageAsync(run, ct).ConfigureAwait(false)];
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or DockerApiException or System.Net.Sockets.SocketException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return
            [
                new DoctorCheck("Docker engine", DoctorStatus.Failed, $"{endpoint} does not answer ({e.Message}); start the engine (sudo .ci/setup starts one here), or set DOCKER_HOST"),
                new DoctorCheck("kaniko image", DoctorStatus.Failed, "not checked: the Docker engine does not answer"),
            ];
        }
    }

    static async Task<DoctorCheck> ImageAsync(PipelineRun run, CancellationToken ct)
    {
        var options = run.Options.Kaniko.DockerRunner;
        var image = options.Image;
        try
        {
            // A half login pair is the registry check's to report; the image is pulled without logins then.
            var logins = TryLogins(run);
            var state = await new DockerKanikoRunner(options).EnsureImageAsync(logins.ByHost, ct).ConfigureAwait(false);
            var id = state.ImageId.Length > 19 ? state.ImageId[..19] : state.ImageId;
            return new DoctorCheck("kaniko image", DoctorStatus.Ok, $"{image} is {(state.Pulled ? "pulled now" : "present")} ({id})");
        }
        catch (KanikoFailure e)
        {
            return new DoctorCheck("kaniko image", DoctorStatus.Failed, e.Message);
        }
    }

    static RegistryLogins TryLogins(PipelineRun run)
    {
        try
        {
            return new RegistryLogins(run.Options.Registries);
        }
        catch (PipelineException)
        {
            return RegistryLogins.None;
        }
    }
}
