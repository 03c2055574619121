using Docker.DotNet;
using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline.Registries;
using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Twistcli;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Pipeline.Doctor;

/// <summary>One line per peer the pipeline needs: ok, not configured, or what is wrong and what to check.</summary>
public sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail);

public enum DoctorStatus
{
    Ok,
    NotConfigured,
    Failed,
}

/// <summary>
/// The preflight: the Docker engine, the registries, the Console and its credentials, the kaniko image and
/// twistcli. A check whose parameters are not given says so instead of failing.
/// </summary>
public static class DoctorCommand
{
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(PipelineSettings settings, CancellationToken ct)
    {
        var checks = new List<DoctorCheck>();
        var runner = KanikoRunnerFactory.Resolve(KanikoRunnerFactory.ParseKind(settings.KanikoRunner), settings.KanikoExecutor);
        checks.Add(await CheckEngineAndImageAsync(settings, runner, ct).ConfigureAwait(false));
        checks.AddRange(await CheckRegistriesAsync(settings, ct).ConfigureAwait(false));
        checks.AddRange(await CheckConsoleAsync(settings, ct).ConfigureAwait(false));

        foreach (var check in checks)
        {
            var level = check.Status == DoctorStatus.Failed ? Serilog.Events.LogEventLevel.Error : Serilog.Events.LogEventLevel.Information;
            Log.Write(level, "{Mark} {Name,-18} {Detail}", Mark(check.Status), check.Name, check.Detail);
        }
        var failed = checks.Where(c => c.Status == DoctorStatus.Failed).ToList();
        if (failed.Count > 0)
            throw new PipelineException($"{failed.Count} check(s) failed: {string.Join("; ", failed.Select(c => c.Name))}.");
        return checks;
    }

    static string Mark(DoctorStatus status) => status switch
    {
        DoctorStatus.Ok => "[ok]  ",
        DoctorStatus.NotConfigured => "[--]  ",
        _ => "[FAIL]",
    };

    static async Task<DoctorCheck> CheckEngineAndImageAsync(PipelineSettings settings, KanikoRunnerKind runner, CancellationToken ct)
    {
        if (runner == KanikoRunnerKind.Local)
        {
            var executor = settings.KanikoExecutor ?? "/kaniko/executor";
            return File.Exists(executor)
                ? new DoctorCheck("kaniko", DoctorStatus.Ok, $"local runner: {executor} (no Docker engine needed)")
                : new DoctorCheck("kaniko", DoctorStatus.Failed, $"local runner, but {executor} does not exist; run inside a kaniko debug image or use --kaniko-runner docker");
        }
        var endpoint = DockerEndpoint.Resolve();
        var image = string.IsNullOrWhiteSpace(settings.KanikoImage) ? DockerKanikoRunnerOptions.DefaultImage : settings.KanikoImage;
        try
        {
            using var configuration = new DockerClientConfiguration(endpoint, defaultTimeout: TimeSpan.FromSeconds(10));
            using var docker = configuration.CreateClient();
            var version = await docker.System.GetVersionAsync(ct).ConfigureAwait(false);
            string imageState;
            try
            {
                await docker.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
                imageState = $"kaniko image {image} is present";
            }
            catch (DockerImageNotFoundException)
            {
                imageState = $"kaniko image {image} is not present: it is pulled on first use ({await PullabilityAsync(image, ct).ConfigureAwait(false)})";
            }
            return new DoctorCheck("Docker engine", DoctorStatus.Ok, $"{endpoint}: engine {version.Version}, API {version.APIVersion}; {imageState}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or DockerApiException or System.Net.Sockets.SocketException or TaskCanceledException)
        {
            return new DoctorCheck("Docker engine", DoctorStatus.Failed, $"{endpoint} does not answer ({e.Message}); start the engine, or set DOCKER_HOST");
        }
    }

    static async Task<string> PullabilityAsync(string image, CancellationToken ct)
    {
        try
        {
            var reference = ImageReference.Parse(image);
            using var client = new RegistryClient(reference.RegistrySpec, new RegistryClientOptions { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(10) });
            var digest = await client.GetManifestDigestAsync(reference.Repository, reference.Reference, ct).ConfigureAwait(false);
            return digest is null ? "the registry does not have it" : $"pullable, {digest}";
        }
        catch (Exception e) when (e is PipelineException or HttpRequestException or TaskCanceledException)
        {
            return $"its registry does not answer here: {e.Message}";
        }
    }

    static async Task<IEnumerable<DoctorCheck>> CheckRegistriesAsync(PipelineSettings settings, CancellationToken ct)
    {
        var logins = new RegistryLogins(settings);
        var named = new List<(string Name, string? Value)>
        {
            ("dev registry", settings.DevRegistry),
            ("prod registry", settings.ProdRegistry),
            ("cache repository", settings.CacheRepo is { Length: > 0 } cache ? ImageReference.Parse(cache).Registry : null),
        };
        named.AddRange(settings.Destinations.Select((d, i) => ($"destination {i + 1}", (string?)ImageReference.Parse(d).Registry)));

        var checks = new List<DoctorCheck>();
        foreach (var (name, value) in named)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                checks.Add(new DoctorCheck(name, DoctorStatus.NotConfigured, "not configured"));
                continue;
            }
            var registry = RegistrySpec.Parse(value);
            try
            {
                using var client = logins.ClientFor(registry, o => o with { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(10) });
                await client.PingAsync(ct).ConfigureAwait(false);
                checks.Add(new DoctorCheck(name, DoctorStatus.Ok, $"{registry.Host} answers /v2/"));
            }
            catch (Exception e) when (e is PipelineException or HttpRequestException or TaskCanceledException)
            {
                checks.Add(new DoctorCheck(name, DoctorStatus.Failed, $"{registry.Host}: {e.Message}"));
            }
        }
        return checks;
    }

    static async Task<IEnumerable<DoctorCheck>> CheckConsoleAsync(PipelineSettings settings, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(settings.ConsoleUrl))
        {
            return
            [
                new DoctorCheck("Console", DoctorStatus.NotConfigured, "not configured (--console-url)"),
                string.IsNullOrWhiteSpace(settings.TwistcliPath)
                    ? new DoctorCheck("twistcli", DoctorStatus.NotConfigured, "not configured (--twistcli-path, or a Console to download it from)")
                    : TwistcliAtPath(settings.TwistcliPath),
            ];
        }
        try
        {
            using var client = ConsoleConnection.CreateClient(settings);
            var version = await client.GetVersionAsync(ct).ConfigureAwait(false);
            await client.GetTokenAsync(ct).ConfigureAwait(false);
            var console = new DoctorCheck("Console", DoctorStatus.Ok, $"{settings.ConsoleUrl}: version {version}; {settings.ConsoleUser} authenticates");
            var twistcli = string.IsNullOrWhiteSpace(settings.TwistcliPath)
                ? new DoctorCheck("twistcli", DoctorStatus.Ok, $"downloadable from the Console (version {version}), cached under .nuke/temp/twistcli")
                : TwistcliAtPath(settings.TwistcliPath);
            return [console, twistcli];
        }
        catch (PipelineException e)
        {
            return
            [
                new DoctorCheck("Console", DoctorStatus.Failed, e.Message),
                string.IsNullOrWhiteSpace(settings.TwistcliPath)
                    ? new DoctorCheck("twistcli", DoctorStatus.Failed, "not downloadable: the Console check above failed")
                    : TwistcliAtPath(settings.TwistcliPath),
            ];
        }
    }

    static DoctorCheck TwistcliAtPath(string path)
    {
        try
        {
            return new DoctorCheck("twistcli", DoctorStatus.Ok, $"{TwistcliProvider.UseGiven(path)} is present and executable");
        }
        catch (PipelineException e)
        {
            return new DoctorCheck("twistcli", DoctorStatus.Failed, e.Message);
        }
    }
}
