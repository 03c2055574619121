using System.Net;
using System.Net.Sockets;
using KanikoBuild.Http;
using Polly.Timeout;

namespace KanikoBuild.Core.Tests.Http;

public sealed class TransientTests
{
    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(507, true)]
    [InlineData(501, false)] // a missing feature does not appear on a retry
    [InlineData(505, false)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(200, false)]
    public void Statuses_408_429_and_5xx_are_transient_and_other_answers_are_not(int status, bool transient) =>
        Assert.Equal(transient, Transient.Status((HttpStatusCode)status));

    public static TheoryData<Exception, bool> Exceptions => new()
    {
        { new HttpRequestException("reset", new IOException("connection reset")), true },
        { new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)), true },
        { new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway), true },
        { new HttpRequestException("not found", null, HttpStatusCode.NotFound), false },
        { new IOException("the body was cut off"), true },
        { new SocketException((int)SocketError.TimedOut), true },
        { new TimeoutRejectedException("attempt timed out"), true },
        { new TimeoutException("connect"), true },
        { new TaskCanceledException("connect timeout", new TimeoutException("ConnectTimeout of 10 s")), true },
        { new OperationCanceledException(), false },
        { new PipelineException("bad input"), false },
        { new HttpRequestException("copy failed", new PipelineException("digest mismatch")), false },
        { new HttpStatusFailure(HttpStatusCode.ServiceUnavailable), true },
        { new HttpStatusFailure(HttpStatusCode.Forbidden), false },
        { new InvalidOperationException("a bug"), false },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Network_errors_and_timeouts_are_transient_but_cancellations_and_our_own_verdicts_are_not(Exception exception, bool transient) =>
        Assert.Equal(transient, Transient.Exception(exception));

    sealed class HttpStatusFailure(HttpStatusCode status) : PipelineException($"answered {(int)status}"), IHttpFailure
    {
        HttpStatusCode? IHttpFailure.StatusCode => status;
        public TimeSpan? RetryAfter => null;
    }
}
