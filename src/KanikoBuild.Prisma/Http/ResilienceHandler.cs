using System.Text.Json;
using Polly;

namespace KanikoBuild.Prisma.Http;

/// <summary>
/// Sends each request through the resilience pipeline. JSON answers are buffered and checked here, inside the
/// retries, so a truncated or non-JSON body is retried like a 502 instead of failing the caller. Every HTTP
/// answer, whatever its status, tells <see cref="ConsoleReachability"/> that the Console is there.
/// </summary>
internal sealed class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline, ConsoleReachability reachability, HttpMessageHandler inner)
    : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(ComputeResilience.RequestName, $"{request.Method} {request.RequestUri?.AbsolutePath}");
        try
        {
            return await pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Handler.SendOnceAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested && e.InnerException is TimeoutException timeout)
        {
            // SocketsHttpHandler's ConnectTimeout surfaces as a cancellation nobody asked for: it is a connection failure.
            throw new HttpRequestException(HttpRequestError.ConnectionError, timeout.Message, timeout);
        }
        reachability.Answered();
        if (!response.IsSuccessStatusCode || IsDownload(request))
            return response;
        try
        {
            await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (body.Length > 0)
                using (JsonDocument.Parse(body)) { }
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

    static bool IsDownload(HttpRequestMessage request) =>
        request.RequestUri?.AbsolutePath.Contains("/util/", StringComparison.Ordinal) == true;
}
