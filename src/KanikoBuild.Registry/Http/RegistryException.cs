using System.Net;
using System.Text.Json;
using KanikoBuild.Http;

namespace KanikoBuild.Registry;

/// <summary>A registry answered with an error. <see cref="IsTransient"/> ones (5xx, 429, 408: <see cref="Transient"/>) are retried.</summary>
public class RegistryException : PipelineException, IHttpFailure
{
    public RegistryException(string message, HttpStatusCode statusCode, IReadOnlyList<string> errorCodes, TimeSpan? retryAfter = null)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCodes = errorCodes;
        RetryAfter = retryAfter;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The distribution spec's error codes from the body (e.g. MANIFEST_UNKNOWN, DENIED).</summary>
    public IReadOnlyList<string> ErrorCodes { get; }

    public TimeSpan? RetryAfter { get; }

    public bool IsTransient => Transient.Status(StatusCode);

    HttpStatusCode? IHttpFailure.StatusCode => StatusCode;

    /// <summary>Reads the <c>{"errors":[…]}</c> body and builds one readable message: what happened, then what to check.</summary>
    internal static async Task<RegistryException> FromResponseAsync(HttpResponseMessage response, string what, TimeProvider time, CancellationToken ct)
    {
        var codes = new List<string>();
        var messages = new List<string>();
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (body.Length is > 0 and < 65536 && body.TrimStart().StartsWith('{'))
            {
                foreach (var error in JsonSerializer.Deserialize(body, RegistryJson.Default.RegistryErrorBody)?.Errors ?? [])
                {
                    if (error.Code is { } code)
                        codes.Add(code);
                    if (error.Message is { } message)
                        messages.Add(error.Code is null ? message : $"{error.Code}: {message}");
                }
            }
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            // The status line still says what happened.
        }
        var status = response.StatusCode;
        var detail = messages.Count > 0 ? string.Join("; ", messages) : $"{(int)status} {response.ReasonPhrase}";
        var insufficientScope = response.Headers.WwwAuthenticate.Any(h => h.Parameter?.Contains("insufficient_scope", StringComparison.Ordinal) == true);
        var hint = status switch
        {
            HttpStatusCode.Unauthorized when insufficientScope => " The credentials lack the rights this needs (pull on the source, pull and push on the destination).",
            HttpStatusCode.Unauthorized => " Check the registry user and password (or the Docker config's login for this registry).",
            HttpStatusCode.Forbidden => " The credentials lack the rights this needs (pull on the source, pull and push on the destination).",
            HttpStatusCode.NotFound => " Check the registry, repository and digest.",
            HttpStatusCode.TooManyRequests => " The registry rate-limits; retry later.",
            _ when Transient.Status(status) => " The registry failed; retrying the command finishes the job.",
            _ => string.Empty,
        };
        return new RegistryException(Secrets.Mask($"{what} failed: {detail}.{hint}"), status, codes,
            KanikoBuild.Http.RetryAfter.Read(response, time, RetryPolicies.MaxRetryAfter));
    }
}

/// <summary>A blob's content does not match its digest: the source is corrupt or something altered it on the way.</summary>
public sealed class BlobDigestMismatchException(string message) : PipelineException(message);
