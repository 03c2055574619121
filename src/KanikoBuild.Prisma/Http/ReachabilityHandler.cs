namespace KanikoBuild.Prisma.Http;

/// <summary>
/// Next to the transport: every HTTP answer, whatever its status, tells <see cref="ConsoleReachability"/> that the
/// Console is there; a connect timeout becomes the connection failure it is.
/// </summary>
internal sealed class ReachabilityHandler(ConsoleReachability reachability) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
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
        return response;
    }
}
