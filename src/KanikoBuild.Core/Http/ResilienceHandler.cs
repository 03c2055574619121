using Polly;

namespace KanikoBuild.Http;

/// <summary>
/// Sends each request through a resilience pipeline (<see cref="HttpResilience"/>): every attempt re-sends the same
/// request message to the inner handlers. A request that is not <see cref="OneShotContent.IsReplayable">replayable</see>,
/// or that asks for <see cref="SendOnce"/>, goes through once.
/// </summary>
public sealed class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    /// <summary>
    /// Set on a request whose retry belongs to the caller: a step of an upload session, where the whole transfer
    /// restarts rather than one PATCH.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> SendOnce = new("kanikobuild.send-once");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!OneShotContent.IsReplayable(request) || (request.Options.TryGetValue(SendOnce, out var once) && once))
            return await base.SendAsync(request, ct).ConfigureAwait(false);
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(HttpResilience.RequestName, $"{request.Method} {request.RequestUri?.AbsolutePath}");
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

    Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(request, ct);
}
