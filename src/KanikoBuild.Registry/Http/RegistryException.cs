using System.Net;
using System.Text.Json;

namespace KanikoBuild.Registry;

/// <summary>A registry answered with an error. <see cref="IsTransient"/> ones (5xx, 429, 408) are retried.</summary>
public class RegistryException : PipelineException
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

    public bool IsTransient => IsTransientStatus(StatusCode);

    internal static bool IsTransientStatus(HttpStatusCode status) =>
        (int)status >= 500 && status != HttpStatusCode.NotImplemented && status != HttpStatusCode.HttpVersionNotSupported
        || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    /// <summary>Reads the <c>{"errors":[…]}</c> body and builds one readable message: what happened, then what to check.</summary>
    internal static async Task<RegistryException> FromResponseAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var codes = new List<string>();
        var messages = new List<string>();
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (body.Length is > 0 and < 65536 && body.TrimStart().StartsWith('{'))
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                {
                    foreach (var error in errors.EnumerateArray())
                    {
                        var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                        var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                        if (code is not null)
                            codes.Add(code);
                        if (message is not null)
                            messages.Add(code is null ? message : $"{code}: {message}");
                    }
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
            _ when IsTransientStatus(status) => " The registry failed; retrying the command finishes the job.",
            _ => string.Empty,
        };
        return new RegistryException(Secrets.Mask($"{what} failed: {detail}.{hint}"), status, codes, KanikoBuild.Registry.RetryAfter.From(response));
    }
}

/// <summary>A blob's content does not match its digest: the source is corrupt or something altered it on the way.</summary>
public sealed class BlobDigestMismatchException(string message) : PipelineException(message);

internal static class RetryAfter
{
    static readonly TimeSpan s_cap = TimeSpan.FromMinutes(2);

    public static TimeSpan? From(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta < s_cap ? delta : s_cap;
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < s_cap ? wait : s_cap;
        }
        return null;
    }
}
