using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace KanikoBuild.Registry;

/// <summary>
/// Reads credentials the way the Docker CLI stores them: <c>$DOCKER_CONFIG/config.json</c> (or
/// <c>~/.docker/config.json</c>) with <c>auths</c> (base64 <c>auth</c>, or <c>username</c>/<c>password</c>, or
/// <c>identitytoken</c>), <c>credHelpers</c> per registry, and a default <c>credsStore</c>, the last two through
/// <c>docker-credential-&lt;name&gt; get</c>.
/// </summary>
public sealed class DockerConfigCredentials
{
    readonly string? _configPath;

    public DockerConfigCredentials(string? configPath = null)
    {
        _configPath = configPath ?? DefaultPath();
    }

    public string? ConfigPath => _configPath;

    public static string? DefaultPath()
    {
        var directory = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(directory))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
                return null;
            directory = Path.Combine(home, ".docker");
        }
        return Path.Combine(directory, "config.json");
    }

    /// <summary>The credential stored for <paramref name="registryHost"/> (host[:port]), or null when there is none.</summary>
    public async Task<RegistryCredential?> FindAsync(string registryHost, CancellationToken ct = default)
    {
        if (_configPath is null || !File.Exists(_configPath))
            return null;
        JsonDocument document;
        try
        {
            await using var stream = File.OpenRead(_configPath);
            document = await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"The Docker config {_configPath} is not valid JSON ({e.Message}); fix or remove it.", e);
        }
        using (document)
        {
            var root = document.RootElement;
            var keys = CandidateKeys(registryHost);
            if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
            {
                foreach (var helper in helpers.EnumerateObject())
                {
                    if (keys.Contains(NormaliseKey(helper.Name)) && helper.Value.GetString() is { Length: > 0 } name)
                        return await FromHelperAsync(name, ServerUrlFor(registryHost), ct).ConfigureAwait(false);
                }
            }
            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in auths.EnumerateObject())
                {
                    if (keys.Contains(NormaliseKey(entry.Name)) && FromAuthEntry(entry.Value, entry.Name) is { } credential)
                        return credential;
                }
            }
            if (root.TryGetProperty("credsStore", out var store) && store.GetString() is { Length: > 0 } storeName)
                return await FromHelperAsync(storeName, ServerUrlFor(registryHost), ct).ConfigureAwait(false);
            return null;
        }
    }

    // Docker Hub is stored under its historical index URL.
    static string ServerUrlFor(string host) => host is "docker.io" or "index.docker.io" or "registry-1.docker.io" ? "https://index.docker.io/v1/" : host;

    static HashSet<string> CandidateKeys(string host) =>
        host is "docker.io" or "index.docker.io" or "registry-1.docker.io"
            ? ["index.docker.io", "docker.io", "registry-1.docker.io"]
            : [host.ToLowerInvariant()];

    /// <summary>Keys are written as <c>host</c>, <c>https://host</c> or <c>https://host/v1/</c>: compare by host[:port].</summary>
    internal static string NormaliseKey(string key)
    {
        var text = key.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
            text = text[(scheme + 3)..];
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
            text = text[..slash];
        return text.ToLowerInvariant();
    }

    static RegistryCredential? FromAuthEntry(JsonElement entry, string key)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            return null;
        string? Text(string name) => entry.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var identityToken = Text("identitytoken");
        if (Text("auth") is { Length: > 0 } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw new PipelineException($"The 'auth' of '{key}' in the Docker config is not base64 of user:password; run docker login again.");
            }
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
                throw new PipelineException($"The 'auth' of '{key}' in the Docker config is not user:password; run docker login again.");
            return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..], identityToken);
        }
        if (Text("username") is { Length: > 0 } user)
            return new RegistryCredential(user, Text("password"), identityToken);
        return identityToken is not null ? new RegistryCredential(null, null, identityToken) : null;
    }

    static async Task<RegistryCredential?> FromHelperAsync(string helper, string serverUrl, CancellationToken ct)
    {
        var executable = $"docker-credential-{helper}";
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("get");
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new PipelineException($"Could not start the credential helper {executable}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PipelineException($"The Docker config names the credential helper '{helper}', but {executable} could not be started ({e.Message}); install it or remove it from the config.", e);
        }
        using (process)
        {
            // The server URL goes through stdin, never the command line.
            await process.StandardInput.WriteAsync(serverUrl.AsMemory(), ct).ConfigureAwait(false);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            var stdout = await output.ConfigureAwait(false);
            var stderr = await error.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                // Helpers answer "credentials not found in native keychain" when nothing is stored: anonymous then.
                if (stdout.Contains("credentials not found", StringComparison.OrdinalIgnoreCase) || stderr.Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
                    return null;
                throw new PipelineException($"The credential helper {executable} failed with exit code {process.ExitCode} for {serverUrl}: {Secrets.Mask(stderr.Trim())}");
            }
            try
            {
                using var document = JsonDocument.Parse(stdout);
                var root = document.RootElement;
                var user = root.TryGetProperty("Username", out var u) ? u.GetString() : null;
                var secret = root.TryGetProperty("Secret", out var s) ? s.GetString() : null;
                // By convention a helper returns the user "<token>" for an identity token.
                return user == "<token>" ? new RegistryCredential(null, null, secret) : new RegistryCredential(user, secret);
            }
            catch (JsonException e)
            {
                throw new PipelineException($"The credential helper {executable} did not answer with JSON for {serverUrl}.", e);
            }
        }
    }
}
