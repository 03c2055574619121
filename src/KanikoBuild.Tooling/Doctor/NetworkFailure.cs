using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using KanikoBuild.Http;

namespace KanikoBuild.Tooling.Doctor;

/// <summary>
/// Why a peer could not be reached, in words that point at the fix: a name that does not resolve is not a
/// plain-HTTP problem, and a refused connection is not a TLS one.
/// </summary>
internal static class NetworkFailure
{
    public enum Kind { Dns, Refused, Tls, Timeout, Unreachable }

    /// <summary>The kind and the innermost message, or null when <paramref name="e"/> is not a connection failure.</summary>
    public static (Kind Kind, string Detail)? Classify(Exception e)
    {
        var http = Find<HttpRequestException>(e);
        var socket = Find<SocketException>(e);
        var detail = Innermost(e).Message.TrimEnd('.');
        if (http?.HttpRequestError == HttpRequestError.NameResolutionError || socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
            return (Kind.Dns, detail);
        if (http?.HttpRequestError == HttpRequestError.SecureConnectionError || Find<AuthenticationException>(e) is not null)
            return (Kind.Tls, detail);
        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
            return (Kind.Refused, detail);
        if (socket?.SocketErrorCode == SocketError.TimedOut || Find<TimeoutException>(e) is not null || e is TaskCanceledException)
            return (Kind.Timeout, detail);
        if (http?.HttpRequestError == HttpRequestError.ConnectionError || socket is not null)
            return (Kind.Unreachable, detail);
        return null;
    }

    // The chain walk is Core's, shared with the retry classification.
    static T? Find<T>(Exception? e) where T : Exception => Transient.Find<T>(e);

    static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }
}
