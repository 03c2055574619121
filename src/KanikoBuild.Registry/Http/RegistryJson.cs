using System.Text.Json.Serialization;

namespace KanikoBuild.Registry;

/// <summary>
/// The registry's JSON answers read as models (error bodies, token answers; manifests are not: their exact bytes
/// matter). Source-generated, so the AOT-published promote CLI reads them without reflection.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(RegistryErrorBody))]
[JsonSerializable(typeof(TokenAnswer))]
internal sealed partial class RegistryJson : JsonSerializerContext;

/// <summary>The distribution spec's error body, <c>{"errors":[{"code","message","detail"}]}</c> (kaniko.md §5.4).</summary>
internal sealed record RegistryErrorBody([property: JsonPropertyName("errors")] List<RegistryErrorEntry>? Errors);

internal sealed record RegistryErrorEntry([property: JsonPropertyName("code")] string? Code, [property: JsonPropertyName("message")] string? Message);

/// <summary>
/// A token service's answer (kaniko.md §5.5): <c>token</c> and/or <c>access_token</c> (the same thing under two
/// names), and <c>expires_in</c>. The token is a secret: never printed.
/// </summary>
internal sealed record TokenAnswer(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn)
{
    public override string ToString() => "TokenAnswer";
}
