using System.Net;
using KanikoBuild.Pipeline;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Registry;

namespace KanikoBuild.Tooling.Doctor;

/// <summary>
/// Each configured registry: reached over its API (/v2/), then the login tried on the repository the pipeline
/// uses there, so a refused login shows here and not after a build.
/// </summary>
internal static class RegistryChecks
{
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var registries = run.Options.Registries;
        var input = run.Options.Input;
        RegistryLogins logins;
        try
        {
            logins = new RegistryLogins(registries);
        }
        catch (PipelineException e)
        {
            return [new DoctorCheck("registry logins", DoctorStatus.Failed, e.Message)];
        }
        var image = string.IsNullOrWhiteSpace(run.Options.Image.Name) ? "kanikobuild-doctor" : run.Options.Image.Name;
        string Login(string user, string password) => $"{ParameterName.Of<RegistryOptions>(user)} and {ParameterName.Of<RegistryOptions>(password)}";
        var named = new List<(string Name, ParameterName Parameter, RegistrySpec? Registry, string? Repository, string Login)>
        {
            ("dev registry", ParameterName.Of<RegistryOptions>(nameof(RegistryOptions.Dev)), registries.Dev, null,
                Login(nameof(RegistryOptions.DevUser), nameof(RegistryOptions.DevPassword))),
            ("prod registry", ParameterName.Of<RegistryOptions>(nameof(RegistryOptions.Prod)), registries.Prod, null,
                Login(nameof(RegistryOptions.ProdUser), nameof(RegistryOptions.ProdPassword))),
            ("cache repository", ParameterName.Of<BuildInputOptions>(nameof(BuildInputOptions.CacheRepo)), input.CacheRepo?.RegistrySpec, input.CacheRepo?.Repository,
                $"{ParameterName.Of<RegistryOptions>(nameof(RegistryOptions.DevUser))} (same host) or docker login"),
        };
        var destination = ParameterName.Of<BuildInputOptions>(nameof(BuildInputOptions.Destinations));
        named.AddRange(input.Destinations.Select((d, i) => ($"destination {i + 1}", destination, (RegistrySpec?)d.RegistrySpec, (string?)d.Repository, "docker login")));

        var checks = new List<DoctorCheck>();
        foreach (var (name, parameter, registry, repository, login) in named)
        {
            if (registry is null)
            {
                checks.Add(new DoctorCheck(name, DoctorStatus.NotConfigured, $"not configured ({parameter})"));
                continue;
            }
            string path;
            try
            {
                path = repository ?? registry.Repository(image);
            }
            catch (PipelineException e)
            {
                checks.Add(new DoctorCheck(name, DoctorStatus.Failed, $"{parameter} '{registry}' is not usable: {e.Message}"));
                continue;
            }
            checks.Add(await CheckAsync(name, registry, path, login, run.Options.Image.Tag, logins, ct).ConfigureAwait(false));
        }
        return checks;
    }

    static async Task<DoctorCheck> CheckAsync(string name, RegistrySpec registry, string repository, string userSwitch, string? tag, RegistryLogins logins, CancellationToken ct)
    {
        using var client = logins.ClientFor(registry, o => o with { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(10) });
        try
        {
            await client.PingAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PipelineException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new DoctorCheck(name, DoctorStatus.Failed, $"{registry.Host}: {Unreachable(e, registry)}");
        }
        try
        {
            // A missing image is an answer (404); a refused login is not.
            await client.GetManifestDigestAsync(repository, tag is { Length: > 0 } ? tag : "latest", ct).ConfigureAwait(false);
            return new DoctorCheck(name, DoctorStatus.Ok, $"{registry.Host} answers /v2/ ({client.BaseUri?.Scheme ?? "https"}); the login may read {repository}");
        }
        catch (RegistryException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new DoctorCheck(name, DoctorStatus.Failed,
                $"{registry.Host} refused the login for {repository} ({(int)e.StatusCode}): check {userSwitch}. {e.Message}");
        }
        catch (Exception e) when (e is PipelineException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new DoctorCheck(name, DoctorStatus.Failed, $"{registry.Host}: {Unreachable(e, registry)}");
        }
    }

    static string Unreachable(Exception e, RegistrySpec registry) => NetworkFailure.Classify(e) switch
    {
        { Kind: NetworkFailure.Kind.Dns } f => $"DNS: the host name does not resolve ({f.Detail}); check the registry name and this machine's DNS.",
        { Kind: NetworkFailure.Kind.Refused } f => $"{(f.Detail.Contains("refused", StringComparison.OrdinalIgnoreCase) ? f.Detail.ToLowerInvariant() : $"connection refused ({f.Detail})")}; check the host and port, and that the registry runs.",
        { Kind: NetworkFailure.Kind.Tls } f => $"TLS failed ({f.Detail}); if it serves plain HTTP, name it with {ParameterName.Of<RegistryOptions>(nameof(RegistryOptions.Insecure))} {registry.Host}; if its certificate comes from a private CA, make this machine trust that CA.",
        { Kind: NetworkFailure.Kind.Timeout } f => $"no answer in time ({f.Detail}); check the network, proxy and firewall to it.",
        { } f => $"unreachable ({f.Detail}); check the network, proxy and firewall to it.",
        null => e.Message,
    };
}
