namespace KanikoBuild.Prisma;

/// <summary>
/// Why the Console gave no usable answer, as far as this machine can tell. Callers (AwaitScan, Doctor) word
/// their advice by it: a refused connection and a refused login need different fixes.
/// </summary>
public enum ConsoleProblem
{
    /// <summary>Nothing more specific is known (an unexpected status, a body of the wrong shape).</summary>
    Other,
    /// <summary>The TCP connection was refused: nothing listens at that host and port.</summary>
    ConnectionRefused,
    /// <summary>No route, network unreachable, or the connection was cut before any answer.</summary>
    Unreachable,
    /// <summary>The host name does not resolve.</summary>
    Dns,
    /// <summary>The TLS handshake failed: an untrusted or mismatched certificate, or a plain-HTTP port.</summary>
    Tls,
    /// <summary>No answer in time (connect, or the whole request).</summary>
    Timeout,
    /// <summary><c>POST /authenticate</c> refused the user and password (401/403, or 400 for a malformed login).</summary>
    CredentialsRefused,
    /// <summary>The account authenticates but its role may not call the endpoint (403, or 401 with a fresh token).</summary>
    PermissionDenied,
    /// <summary>404: a wrong path prefix (SaaS) or API version.</summary>
    NotFound,
    /// <summary>5xx, 408 or 429 after every retry.</summary>
    ServerError,
    /// <summary>A 2xx answer whose body is not JSON, after every retry.</summary>
    MalformedAnswer,
}
