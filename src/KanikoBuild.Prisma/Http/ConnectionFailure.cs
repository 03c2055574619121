using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using KanikoBuild.Http;

namespace KanikoBuild.Prisma.Http;

/// <summary>
/// A request that never got an HTTP answer, by what stopped it: DNS, TLS, a refused or unroutable connection, a
/// connect timeout. <see cref="Permanent"/> ones (an untrusted certificate, a name that does not exist) do not
/// change by trying again.
/// </summary>
internal sealed record ConnectionFailure(ConsoleProblem Problem, string Cause, bool Permanent)
{
    /// <summary>The failure behind <paramref name="e"/>, or null when the Console did answer (a cut body, a bad status).</summary>
    public static ConnectionFailure? Classify(Exception e)
    {
        var http = Find<HttpRequestException>(e);
        if (http is null)
            return null;
        var socket = Find<SocketException>(http);
        var detail = Innermost(http).Message.TrimEnd('.');
        switch (http.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                // NXDOMAIN is an answer; "try again" is a resolver that did not answer.
                var missing = socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData;
                return new ConnectionFailure(ConsoleProblem.Dns, missing ? $"the host name does not resolve ({detail})" : $"the host name could not be resolved ({detail})", missing);
            case HttpRequestError.SecureConnectionError:
                return new ConnectionFailure(ConsoleProblem.Tls, TlsCause(http, detail), Permanent: true);
            case HttpRequestError.ProxyTunnelError:
                return new ConnectionFailure(ConsoleProblem.Unreachable, $"the proxy refused the tunnel ({detail})", Permanent: false);
            case HttpRequestError.ConnectionError:
            case HttpRequestError.Unknown when socket is not null:
                // HttpRequestException's own text carries the address ("Connection refused (host:port)").
                return FromSocket(socket, socket?.SocketErrorCode == SocketError.ConnectionRefused ? http.Message.TrimEnd('.') : detail);
            default:
                // The server accepted the connection and then broke the exchange: it was reached.
                return null;
        }
    }

    static ConnectionFailure FromSocket(SocketException? socket, string detail) => socket?.SocketErrorCode switch
    {
        // .NET already says "Connection refused (host:port)": keep its address, not the words twice.
        SocketError.ConnectionRefused => new(ConsoleProblem.ConnectionRefused,
            detail.StartsWith("Connection refused", StringComparison.OrdinalIgnoreCase) ? "c" + detail[1..] : $"connection refused ({detail})", false),
        SocketError.TimedOut => new(ConsoleProblem.Timeout, $"the connection timed out ({detail})", false),
        SocketError.HostNotFound or SocketError.NoData => new(ConsoleProblem.Dns, $"the host name does not resolve ({detail})", true),
        _ => new(detail.Contains("ConnectTimeout", StringComparison.Ordinal) ? ConsoleProblem.Timeout : ConsoleProblem.Unreachable, detail, false),
    };

    static string TlsCause(HttpRequestException http, string detail)
    {
        // A plain-HTTP server answering a TLS hello: SslStream cannot even read a TLS frame.
        if (Find<AuthenticationException>(http) is { } tls && tls.Message.Contains("frame", StringComparison.OrdinalIgnoreCase))
            return $"the TLS handshake failed, the port seems to speak plain HTTP ({tls.Message.TrimEnd('.')})";
        return $"the TLS handshake failed ({detail})";
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
