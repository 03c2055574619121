using KanikoBuild.Prisma.Http;
using Polly.Timeout;

namespace KanikoBuild.Prisma.Api;

/// <summary>
/// Refit's transport-exception factory for the Console: what is left of a request that got no usable answer after
/// the retries (a refused connection, a TLS failure, a timeout, a cut or non-JSON body) becomes one
/// <see cref="ComputeApiException"/> naming the URL, the cause and what to check. A Console that has not answered once
/// since this client started is a set-up problem, not an outage: that failure is final (not transient).
/// </summary>
internal sealed class ConsoleTransportFailures(ConsoleEndpoint endpoint, ConsoleReachability reachability)
{
    public Exception Surface(HttpRequestMessage request, Exception cause, CancellationToken ct)
    {
        // Our own verdicts (a refused login inside the authentication handler) and the caller's cancellation pass as they are.
        if (cause is PipelineException || (cause is OperationCanceledException && ct.IsCancellationRequested))
            return cause;
        if (ct.IsCancellationRequested)
            return new OperationCanceledException(ct);
        var what = ConsoleOperation.Of(request, endpoint).What;
        if (!reachability.HasAnswered && NeverReached(cause) is { } unreachable)
            return unreachable;
        if (cause is HttpRequestException && ConnectionFailure.Classify(cause) is { Problem: ConsoleProblem.Tls } tls)
            return new ComputeApiException($"The Console at {endpoint.ConsoleUrl} cannot be reached: {tls.Cause}. {Advice(tls.Problem)}", null, isTransient: false, tls.Problem, cause);
        if (cause is TimeoutRejectedException)
            return new ComputeApiException($"The Console at {endpoint.ConsoleUrl} did not answer {what} in time ({cause.Message}).", null, isTransient: true, ConsoleProblem.Timeout, cause);
        if (cause is HttpRequestException or IOException or MalformedResponseException)
        {
            var problem = cause is MalformedResponseException ? ConsoleProblem.MalformedAnswer : ConnectionFailure.Classify(cause)?.Problem ?? ConsoleProblem.Unreachable;
            return new ComputeApiException($"The Console at {endpoint.ConsoleUrl} did not give a usable answer to {what}: {cause.Message}. Check that it is reachable and healthy.", null, isTransient: true, problem, cause);
        }
        return cause;
    }

    /// <summary>One sentence: which URL, why, how long it was tried, what to check.</summary>
    ComputeApiException? NeverReached(Exception cause)
    {
        var failure = cause is TimeoutRejectedException
            ? new ConnectionFailure(ConsoleProblem.Timeout, $"no answer in time ({cause.Message.TrimEnd('.')})", Permanent: false)
            : ConnectionFailure.Classify(cause);
        if (failure is null)
            return null;
        return new ComputeApiException(
            $"The Console at {endpoint.ConsoleUrl} cannot be reached: {failure.Cause}; no answer since the start ({reachability.Attempts()}). {Advice(failure.Problem)}",
            null, isTransient: false, failure.Problem, cause);
    }

    /// <summary>What to check for each way of not reaching the Console.</summary>
    internal static string Advice(ConsoleProblem problem) => problem switch
    {
        ConsoleProblem.ConnectionRefused => "Nothing listens at that host and port: check --console-url (host and port; self-hosted Consoles use 8083) and that the Console is running.",
        ConsoleProblem.Dns => "Check the host name in --console-url, and that this machine's DNS resolves it.",
        ConsoleProblem.Tls => "If the Console's certificate comes from a private CA, pass that CA with --console-ca-cert; if the port serves plain HTTP, the URL must start with http://.",
        ConsoleProblem.Timeout => "Check --console-url, and the proxy and firewall between this machine and the Console.",
        _ => "Check --console-url, and the network, proxy and firewall between this machine and the Console.",
    };
}
