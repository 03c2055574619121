using System.Net;
using System.Net.Http.Headers;
using KanikoBuild.Http;
using Microsoft.Extensions.Time.Testing;

namespace KanikoBuild.Core.Tests.Http;

public sealed class ResilienceHandlerTests
{
    static HttpRetryOptions Options(FakeTimeProvider time, List<RetryNotice>? notices = null) => new()
    {
        MaxRetries = 3,
        BaseDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(30),
        TimeProvider = time,
        Jitter = () => 0.5,
        OnRetry = notice => notices?.Add(notice),
    };

    static HttpClient Client(HttpRetryOptions options, HttpMessageHandler peer) =>
        new(HttpChain.Compose(peer, new ResilienceHandler(HttpResilience.ForRequests(options))));

    [Fact]
    public async Task A_503_burst_is_retried_with_doubling_back_off_in_fake_time()
    {
        var time = FakeTime.Create();
        var peer = new ScriptedPeer(time, ScriptedPeer.Answer(HttpStatusCode.ServiceUnavailable), ScriptedPeer.Answer(HttpStatusCode.BadGateway), ScriptedPeer.Answer(HttpStatusCode.OK));
        var notices = new List<RetryNotice>();
        using var client = Client(Options(time, notices), peer);
        var start = time.GetUtcNow();

        using var response = await time.RunAsync(client.GetAsync("http://peer.test/v2/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([start, start + TimeSpan.FromSeconds(1), start + TimeSpan.FromSeconds(3)], peer.Received.Select(r => r.At));
        Assert.Equal(["GET /v2/", "GET /v2/"], notices.Select(n => n.Request));
        Assert.Equal("answered 503 Service Unavailable", notices[0].Outcome);
        Assert.Equal([1, 2], notices.Select(n => n.Attempt));
    }

    [Fact]
    public async Task A_429_waits_what_its_Retry_After_date_asks_on_the_fake_clock()
    {
        var time = FakeTime.Create();
        var asked = time.GetUtcNow() + TimeSpan.FromSeconds(20);
        var peer = new ScriptedPeer(time,
            ScriptedPeer.Answer(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(asked)),
            ScriptedPeer.Answer(HttpStatusCode.OK));
        using var client = Client(Options(time), peer);

        using var response = await time.RunAsync(client.GetAsync("http://peer.test/api/v1/registry"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(asked, peer.Received[1].At);
    }

    [Fact]
    public async Task Answers_are_not_accidents_a_404_goes_back_at_once()
    {
        var time = FakeTime.Create();
        var peer = new ScriptedPeer(time, ScriptedPeer.Answer(HttpStatusCode.NotFound));
        using var client = Client(Options(time), peer);

        using var response = await time.RunAsync(client.GetAsync("http://peer.test/v2/x/manifests/1"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Single(peer.Received);
    }

    [Fact]
    public async Task A_protocol_rule_is_asked_first_and_may_stop_a_retry_the_definition_would_make()
    {
        var time = FakeTime.Create();
        var peer = new ScriptedPeer(time, ScriptedPeer.Fail(new HttpRequestException("TLS handshake failed")));
        var options = Options(time) with { Classify = outcome => outcome.Exception is HttpRequestException { Message: "TLS handshake failed" } ? false : null };
        using var client = Client(options, peer);

        await Assert.ThrowsAsync<HttpRequestException>(() => time.RunAsync(client.GetAsync("http://peer.test/")));

        Assert.Single(peer.Received);
    }

    [Fact]
    public async Task A_request_marked_send_once_and_a_one_shot_body_go_through_once()
    {
        var time = FakeTime.Create();
        var peer = new ScriptedPeer(time, ScriptedPeer.Answer(HttpStatusCode.ServiceUnavailable), ScriptedPeer.Answer(HttpStatusCode.ServiceUnavailable));
        using var client = Client(Options(time), peer);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, "http://peer.test/v2/x/blobs/uploads/1") { Content = new ByteArrayContent([1, 2, 3]) };
        patch.Options.Set(ResilienceHandler.SendOnce, true);
        using var put = new HttpRequestMessage(HttpMethod.Put, "http://peer.test/v2/x/blobs/uploads/2") { Content = new StreamedOnce() };

        using var first = await time.RunAsync(client.SendAsync(patch));
        using var second = await time.RunAsync(client.SendAsync(put));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(2, peer.Received.Count);
    }

    [Fact]
    public async Task No_retries_configured_sends_each_request_once()
    {
        var time = FakeTime.Create();
        var peer = new ScriptedPeer(time, ScriptedPeer.Answer(HttpStatusCode.ServiceUnavailable));
        using var client = Client(Options(time) with { MaxRetries = 0 }, peer);

        using var response = await time.RunAsync(client.GetAsync("http://peer.test/"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(peer.Received);
    }

    [Fact]
    public async Task An_operation_is_restarted_on_a_transient_failure_and_waits_the_Retry_After_its_exception_carries()
    {
        var time = FakeTime.Create();
        var attempts = new List<DateTimeOffset>();
        var pipeline = HttpResilience.ForOperations(Options(time));
        var start = time.GetUtcNow();

        var result = await time.RunAsync(pipeline.ExecuteAsync(_ =>
        {
            attempts.Add(time.GetUtcNow());
            return attempts.Count switch
            {
                1 => throw new IOException("connection reset"),
                2 => throw new Busy(TimeSpan.FromSeconds(7)),
                _ => ValueTask.FromResult("copied"),
            };
        }).AsTask());

        Assert.Equal("copied", result);
        Assert.Equal([start, start + TimeSpan.FromSeconds(1), start + TimeSpan.FromSeconds(8)], attempts);
    }

    sealed class Busy(TimeSpan wait) : PipelineException("busy"), IHttpFailure
    {
        HttpStatusCode? IHttpFailure.StatusCode => HttpStatusCode.TooManyRequests;
        public TimeSpan? RetryAfter => wait;
    }
}

/// <summary>A body that streams from its source and cannot be read twice.</summary>
sealed class StreamedOnce : OneShotContent
{
    bool _sent;

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        if (_sent)
            throw new InvalidOperationException("sent twice");
        _sent = true;
        await stream.WriteAsync(new byte[] { 1, 2, 3 });
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 3;
        return true;
    }
}
