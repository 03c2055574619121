using System.Text.Json;

namespace KanikoBuild.Prisma.Http;

/// <summary>
/// Inside the retries: a 2xx whose body is not well-formed JSON (a proxy's error page, a cut connection) is a
/// failure worth another try, like a 502, instead of failing the caller when Refit reads it. The body is buffered and
/// only checked for well-formedness here; Refit reads it into the models afterwards. Downloads pass through.
/// </summary>
internal sealed class JsonAnswerHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || IsDownload(request))
            return response;
        try
        {
            await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (body.Length > 0)
                CheckWellFormed(body);
            return response;
        }
        catch (JsonException e)
        {
            response.Dispose();
            throw new MalformedResponseException($"the body of {request.Method} {request.RequestUri?.AbsolutePath} is not valid JSON ({e.Message})", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            response.Dispose();
            throw new MalformedResponseException($"the body of {request.Method} {request.RequestUri?.AbsolutePath} was cut off ({e.Message})", e);
        }
    }

    static void CheckWellFormed(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        while (reader.Read())
        {
        }
    }

    static bool IsDownload(HttpRequestMessage request) =>
        request.RequestUri?.AbsolutePath.Contains("/util/", StringComparison.Ordinal) == true;
}
