using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace KanikoBuild.Testing;

/// <summary>
/// A token service for a registry configured with <c>auth: token:</c>, as in distribution's token spec: it checks
/// Basic credentials, grants the requested repository actions the <see cref="Grant"/> rule allows, and answers
/// with a JWT signed by a self-signed certificate that the registry trusts (<c>rootcertbundle</c>, <c>x5c</c>).
/// </summary>
public sealed class RegistryTokenIssuer : IAsyncDisposable
{
    public const string Service = "kanikobuild-test-registry";
    public const string Issuer = "kanikobuild-test-issuer";

    readonly RSA _key = RSA.Create(2048);
    readonly X509Certificate2 _certificate;
    readonly TempDirectory _directory = new("kanikobuild-token-");
    readonly ConcurrentQueue<TokenRequest> _requests = new();
    LoopbackHttpServer? _server;

    RegistryTokenIssuer()
    {
        var request = new CertificateRequest("CN=kanikobuild test token issuer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        RootCertificateBundle = _directory.Write("root.pem", _certificate.ExportCertificatePem() + "\n");
    }

    public static async Task<RegistryTokenIssuer> StartAsync()
    {
        var issuer = new RegistryTokenIssuer();
        try
        {
            issuer._server = await LoopbackHttpServer.StartAsync(issuer.ServeAsync);
            return issuer;
        }
        catch
        {
            await issuer.DisposeAsync();
            throw;
        }
    }

    public sealed record TokenRequest(string? User, IReadOnlyList<string> Scopes, string? Service);

    public int Port => _server!.Port;

    public string Realm => $"{_server!.Address}/token";

    public string RootCertificateBundle { get; }

    /// <summary>user → password. Requests without credentials are anonymous (user null).</summary>
    public Dictionary<string, string> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>Which actions (pull, push) <c>user</c> gets on a repository; default: every requested action for known users, none for anonymous.</summary>
    public Func<string?, string, IReadOnlyList<string>, IReadOnlyList<string>> Grant { get; set; } = (user, _, actions) => user is null ? [] : actions;

    public int TokenLifetimeSeconds { get; set; } = 300;

    public IReadOnlyCollection<TokenRequest> Requests => _requests;

    /// <summary>The registry's <c>auth:</c> section (YAML at column 0), for <see cref="Registry.StartAsync"/>.</summary>
    public string RegistryConfig => $"""
        auth:
          token:
            realm: {Realm}
            service: {Service}
            issuer: {Issuer}
            rootcertbundle: {RootCertificateBundle}
        """;

    async Task ServeAsync(HttpContext context)
    {
        try
        {
            await HandleAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync(e.Message);
        }
    }

    async Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        string? user = null;
        if (context.Request.Headers.Authorization.ToString() is { } authorization && authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            var name = decoded[..colon];
            if (!Users.TryGetValue(name, out var password) || password != decoded[(colon + 1)..])
            {
                context.Response.StatusCode = 401;
                return;
            }
            user = name;
        }
        var scopes = query["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        _requests.Enqueue(new TokenRequest(user, scopes, query["service"].FirstOrDefault()));
        var access = new List<object>();
        foreach (var scope in scopes)
        {
            // repository:<name>:<actions>; the name may itself hold a ':' (host:port), so split from both ends.
            var first = scope.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first < 0 || last <= first)
                continue;
            var type = scope[..first];
            var name = scope[(first + 1)..last];
            var actions = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
            var granted = Grant(user, name, actions);
            if (granted.Count > 0)
                access.Add(new { type, name, actions = granted });
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = Sign(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = user ?? "",
            ["aud"] = Service,
            ["exp"] = now + TokenLifetimeSeconds,
            ["nbf"] = now - 30,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        });
        // RFC 3339 in UTC with a Z, as Docker's token servers write it: Go clients (skopeo, containers/image) parse
        // issued_at from the raw JSON bytes, and System.Text.Json would escape the "+" of an offset as \u002B.
        var response = JsonSerializer.SerializeToUtf8Bytes(new { token, access_token = token, expires_in = TokenLifetimeSeconds, issued_at = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture) });
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(response);
    }

    string Sign(object claims)
    {
        var header = new Dictionary<string, object>
        {
            ["typ"] = "JWT",
            ["alg"] = "RS256",
            ["x5c"] = new[] { Convert.ToBase64String(_certificate.RawData) },
        };
        var signingInput = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
        _directory.Dispose();
    }
}
