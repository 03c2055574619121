namespace KanikoBuild.Http;

/// <summary>
/// Stacks delegating handlers over a transport, outermost first, the same way for every client: authentication,
/// then resilience (the retries), then what each attempt needs (for the Console: its request budget, an attempt
/// timeout, the reachability record). One place, so the order is read, and tested, in one line.
/// </summary>
public static class HttpChain
{
    public static HttpMessageHandler Compose(HttpMessageHandler transport, params DelegatingHandler?[] outerFirst)
    {
        var inner = transport;
        for (var i = outerFirst.Length - 1; i >= 0; i--)
        {
            if (outerFirst[i] is not { } handler)
                continue;
            handler.InnerHandler = inner;
            inner = handler;
        }
        return inner;
    }

    /// <summary>
    /// Wraps a transport the caller owns so that disposing a chain (or an <see cref="HttpClient"/>) over it leaves it
    /// open: several chains may share one connection pool.
    /// </summary>
    public static HttpMessageHandler Borrowed(HttpMessageHandler transport) => new BorrowedTransport(transport);

    sealed class BorrowedTransport(HttpMessageHandler inner) : HttpMessageHandler
    {
        readonly HttpMessageInvoker _invoker = new(inner, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) => _invoker.SendAsync(request, ct);
    }
}
