using System.Net;
using System.Net.Sockets;
using Polly;
using Polly.Timeout;

namespace KanikoBuild.Http;

/// <summary>
/// The one answer, for every HTTP peer, to "may the same request succeed if sent again?": yes for network errors,
/// timeouts, 408, 429 and 5xx; no for every other answer, for a cancellation the caller asked for, and for a failure
/// this program decided on itself (a <see cref="PipelineException"/> anywhere in the chain: a digest mismatch, a
/// refused login, bad input). A protocol adds to it with a small rule (see <see cref="HttpRetryOptions.Classify"/>),
/// never with a second list.
/// </summary>
public static class Transient
{
    /// <summary>408, 429 and 5xx, except 501 and 505: a server that lacks a feature will not grow it on a retry.</summary>
    public static bool Status(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || ((int)status >= 500 && status is not (HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported));

    public static bool Exception(Exception exception)
    {
        if (Find<PipelineException>(exception) is { } verdict)
            return verdict is IHttpFailure { StatusCode: { } status } && Status(status);
        return exception switch
        {
            TimeoutRejectedException or TimeoutException => true,
            // SocketsHttpHandler reports its ConnectTimeout as a cancellation nobody asked for, with the timeout inside.
            OperationCanceledException { InnerException: TimeoutException } => true,
            OperationCanceledException => false,
            HttpRequestException { StatusCode: { } status } => Status(status),
            HttpRequestException or IOException or SocketException => true,
            _ => false,
        };
    }

    public static bool Outcome(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? Exception(e) : outcome.Result is { } response && Status(response.StatusCode);

    /// <summary>The first exception of type <typeparamref name="T"/> in <paramref name="exception"/>'s chain of inner exceptions.</summary>
    public static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
                return match;
        }
        return null;
    }
}

/// <summary>
/// A failure that carries the HTTP answer behind it (a registry's or the Console's error), so <see cref="Transient"/>
/// judges it by its status even though the client already turned it into a readable <see cref="PipelineException"/>.
/// </summary>
public interface IHttpFailure
{
    HttpStatusCode? StatusCode { get; }

    /// <summary>What the server's <c>Retry-After</c> asked for, already read (see <see cref="RetryAfter"/>).</summary>
    TimeSpan? RetryAfter { get; }
}
