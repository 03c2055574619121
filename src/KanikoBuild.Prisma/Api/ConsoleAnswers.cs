using System.Net;
using System.Text.Json;
using KanikoBuild.Http;

namespace KanikoBuild.Prisma.Api;

/// <summary>
/// Refit's exception factories for the Console: an answer that is not a success, or a success whose body is not the
/// JSON expected, becomes one <see cref="ComputeApiException"/> that says which call, what the Console said, and what
/// to check (the role a 403 lacks, the SaaS prefix a 404 lacks). They throw rather than return the exception:
/// Refit keeps only its own ApiException in an <c>ApiResponse&lt;T&gt;</c>, and a thrown one fails every method
/// shape the same way.
/// </summary>
internal sealed class ConsoleAnswers(ConsoleEndpoint endpoint, string username, JsonSerializerOptions json)
{
    const int MaxErrorBody = 16 * 1024;

    public async ValueTask<Exception?> ThrowIfFailedAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
            return null;
        throw await FailureAsync(response).ConfigureAwait(false);
    }

    public ValueTask<Exception?> ThrowMalformed(HttpResponseMessage response, Exception error)
    {
        var operation = ConsoleOperation.Of(response.RequestMessage, endpoint);
        throw new ComputeApiException(
            $"The Console at {endpoint.ConsoleUrl} did not give a usable answer to {operation.What}: the body is not the JSON expected ({error.Message}). Check that it is reachable and healthy.",
            (int)response.StatusCode, isTransient: true, ConsoleProblem.MalformedAnswer, error);
    }

    async Task<ComputeApiException> FailureAsync(HttpResponseMessage response)
    {
        var operation = ConsoleOperation.Of(response.RequestMessage, endpoint);
        var what = operation.What;
        var status = (int)response.StatusCode;
        var detail = await DetailAsync(response).ConfigureAwait(false);
        if (operation.Permission == Permission.Login && response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
        {
            return new ComputeApiException(
                $"The Console at {endpoint.ConsoleUrl} rejected the credentials of '{username}' ({status} on {what}). " +
                "Check --console-user and --console-password (on SaaS: an access key ID and its secret key).",
                status, isTransient: false, ConsoleProblem.CredentialsRefused);
        }
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new ComputeApiException(
                $"The Console answered 401 to {what} even with a new token{detail}. {operation.RoleHint}", status, isTransient: false, ConsoleProblem.PermissionDenied),
            HttpStatusCode.Forbidden => new ComputeApiException(
                $"The Console account '{username}' may not call {what} (403{detail}). {operation.RoleHint}", status, isTransient: false, ConsoleProblem.PermissionDenied),
            HttpStatusCode.NotFound => new ComputeApiException(
                $"The Console has no {what} at {endpoint.ApiBase} (404{detail}). Check --console-url (a SaaS Console needs its path prefix, e.g. https://host/us-3-123456789) and the API version.",
                status, isTransient: false, ConsoleProblem.NotFound),
            HttpStatusCode.BadRequest => new ComputeApiException($"The Console rejected {what} (400{detail}).", status, isTransient: false),
            _ => Unexpected(response, what, detail),
        };
    }

    ComputeApiException Unexpected(HttpResponseMessage response, string what, string detail)
    {
        var status = (int)response.StatusCode;
        // What is left after the retries: the same definition that decided to retry says whether waiting may help.
        var transient = Transient.Status(response.StatusCode);
        return new ComputeApiException(
            $"The Console at {endpoint.ConsoleUrl} answered {status} {response.ReasonPhrase} to {what}{detail}{(transient ? " after several retries" : string.Empty)}.",
            status, transient, transient ? ConsoleProblem.ServerError : ConsoleProblem.Other);
    }

    /// <summary>": the Console's own words", from <c>err</c>, <c>error</c> or <c>message</c>; nothing when the body has none.</summary>
    async Task<string> DetailAsync(HttpResponseMessage response)
    {
        try
        {
            // A proxy's error page can be large: only a short body is looked into.
            if (response.Content.Headers.ContentLength is > MaxErrorBody)
                return string.Empty;
            var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (bytes.Length is 0 or > MaxErrorBody)
                return string.Empty;
            var body = JsonSerializer.Deserialize<ConsoleErrorBody>(bytes, json);
            return body?.Text is { } said ? $": {Secrets.Mask(Truncate(said.Trim()))}" : string.Empty;
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException or NotSupportedException)
        {
            return string.Empty;
        }
    }

    static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
