using System.Net;
using KanikoBuild.Pipeline.Registries;
using KanikoBuild.Registry;

namespace KanikoBuild.Pipeline.Doctor;

/// <summary>
/// Each configured registry: reached over its API (/v2/), then the login tried on the repository the pipeline
/// uses there, so a refused login shows here and not after a build.
/// </summary>
internal static class RegistryChecks
{
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(PipelineSettings settings, CancellationToken ct)
    {
        var logins = new RegistryLogins(settings);
        var named = new List<(string Name, string Switch, string? Value, string UserSwitch)>
        {
            ("dev registry", "--dev-registry", settings.DevRegistry, "--dev-registry-user/--dev-registry-password"),
            ("prod registry", "--prod-registry", settings.ProdRegistry, "--prod-registry-user/--prod-registry-password"),
            ("cache repository", "--cache-repo", settings.CacheRepo, "--dev-registry-user (same host) or docker login"),
        };
        named.AddRange(settings.Destinations.Select((d, i) => ($"destination {i + 1}", "--destination", (string?)d, "docker login")));

        var checks = new List<DoctorCheck>();
        foreach (var (name, switchName, value, userSwitch) in named)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                checks.Add(new DoctorCheck(name, DoctorStatus.NotConfigured, $"not configured ({switchName})"));
                continue;
            }
            checks.Add(await CheckAsync(name, switchName, value, userSwitch, settings, logins, ct).ConfigureAwait(false));
        }
        return checks;
    }

    static async Task<DoctorCheck> CheckAsync(string name, string switchName, string value, string userSwitch, PipelineSettings settings, RegistryLogins logins, CancellationToken ct)
    {
        RegistrySpec registry;
        string repository;
        try
        {
            if (switchName is "--cache-repo" or "--destination")
            {
                var reference = ImageReference.Parse(value);
                registry = reference.RegistrySpec;
                repository = reference.Repository;
            }
            else
            {
                registry = RegistrySpec.Parse(value, switchName);
                repository = registry.Repository(string.IsNullOrWhiteSpace(settings.Image) ? "kanikobuild-doctor" : settings.Image);
            }
        }
        catch (PipelineException e)
        {
            return new DoctorCheck(name, DoctorStatus.Failed, $"{switchName} '{value}' is not usable: {e.Message}");
        }

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
            await client.GetManifestDigestAsync(repository, settings.Tag is { Length: > 0 } tag ? tag : "latest", ct).ConfigureAwait(false);
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
        { Kind: NetworkFailure.Kind.Tls } f => $"TLS failed ({f.Detail}); if it serves plain HTTP, name it with --insecure-registry {registry.Host}; if its certificate comes from a private CA, make this machine trust that CA.",
        { Kind: NetworkFailure.Kind.Timeout } f => $"no answer in time ({f.Detail}); check the network, proxy and firewall to it.",
        { } f => $"unreachable ({f.Detail}); check the network, proxy and firewall to it.",
        null => e.Message,
    };
}
