using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace KanikoBuild.Core.Tests.Http;

/// <summary>
/// The far end of a handler chain in memory: answers (or failures) in the order given, and a record of every request
/// that reached it, with the Authorization it carried and the fake time it arrived at.
/// </summary>
sealed class ScriptedPeer(FakeTimeProvider time, params Func<HttpRequestMessage, HttpResponseMessage>[] script) : HttpMessageHandler
{
    readonly ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>> _script = new(script);

    public List<(string? Authorization, DateTimeOffset At)> Received { get; } = [];

    public List<string> Trace { get; set; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        Received.Add((request.Headers.Authorization?.ToString(), time.GetUtcNow()));
        Trace.Add("transport");
        // Drain a streamed body the way a real transport would, so one-shot content is spent.
        if (request.Content is { } content)
            await content.CopyToAsync(Stream.Null, ct);
        if (!_script.TryDequeue(out var next))
            throw new InvalidOperationException($"the script has no answer left for {request.Method} {request.RequestUri}");
        return next(request);
    }

    public static Func<HttpRequestMessage, HttpResponseMessage> Answer(HttpStatusCode status, Action<HttpResponseMessage>? shape = null) => request =>
    {
        var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent("") };
        shape?.Invoke(response);
        return response;
    };

    public static Func<HttpRequestMessage, HttpResponseMessage> Fail(Exception exception) => _ => throw exception;
}

static class FakeTime
{
    public static FakeTimeProvider Create() => new(new DateTimeOffset(2031, 5, 6, 7, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.Zero };

    /// <summary>Moves fake time on in small steps until <paramref name="work"/> is done; nothing sleeps for real beyond yields.</summary>
    public static async Task<T> RunAsync<T>(this FakeTimeProvider time, Task<T> work, TimeSpan? step = null)
    {
        for (var i = 0; !work.IsCompleted; i++)
        {
            if (i > 200_000)
                throw new TimeoutException("the work never finished in fake time");
            await Task.Yield();
            if (!work.IsCompleted)
                time.Advance(step ?? TimeSpan.FromMilliseconds(100));
        }
        return await work;
    }
}
