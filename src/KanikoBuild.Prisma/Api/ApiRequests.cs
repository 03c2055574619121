using System.Text.Json.Serialization;

namespace KanikoBuild.Prisma.Api;

/// <summary><c>api.AuthenticationRequest</c>: a user and password, or an access key ID and secret key on SaaS.</summary>
public sealed record AuthenticationRequest(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("password")] string Password)
{
    // The password must never reach a log line, even through a record's generated ToString.
    public override string ToString() => $"AuthenticationRequest {{ Username = {Username} }}";
}

/// <summary><c>shared.ImageTag</c>.</summary>
public sealed record ImageTagRequest(
    [property: JsonPropertyName("registry")] string Registry,
    [property: JsonPropertyName("repo")] string Repo,
    [property: JsonPropertyName("tag")] string Tag,
    [property: JsonPropertyName("digest")] string Digest);

/// <summary><c>shared.RegistryScanRequest</c>: one image, on demand (prisma.md §2.4).</summary>
public sealed record RegistryScanRequest(
    [property: JsonPropertyName("tag")] ImageTagRequest Tag,
    [property: JsonPropertyName("onDemandScan")] bool OnDemandScan);

/// <summary><c>api.AuthenticationResponse</c>: the token, null when the Console left it out.</summary>
public sealed record AuthenticationResponse([property: JsonPropertyName("token")] string? Token)
{
    // The token is a secret: never through a record's generated ToString.
    public override string ToString() => "AuthenticationResponse";
}

/// <summary>The error fields a Console (or a proxy in front of it) may put in a non-success body.</summary>
internal sealed record ConsoleErrorBody(
    [property: JsonPropertyName("err")] string? Err,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("message")] string? Message)
{
    public string? Text => new[] { Err, Error, Message }.FirstOrDefault(t => !string.IsNullOrWhiteSpace(t));
}
