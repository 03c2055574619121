using System.Net.Http.Headers;
using KanikoBuild.Http;

namespace KanikoBuild.Core.Tests.Http;

public sealed class RetryAfterTests
{
    static readonly TimeSpan s_cap = TimeSpan.FromMinutes(2);

    static HttpResponseMessage Answer(RetryConditionHeaderValue? header) => new(System.Net.HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = header } };

    [Fact]
    public void Delta_seconds_are_read_as_they_are()
    {
        using var response = Answer(new RetryConditionHeaderValue(TimeSpan.FromSeconds(17)));

        Assert.Equal(TimeSpan.FromSeconds(17), RetryAfter.Read(response, FakeTime.Create(), s_cap));
    }

    [Fact]
    public void An_HTTP_date_is_measured_on_the_injected_clock_not_the_machines()
    {
        // The fake clock stands in 2031: measured against the machine's clock, this date would be years away (the cap).
        var time = FakeTime.Create();
        using var response = Answer(new RetryConditionHeaderValue(time.GetUtcNow() + TimeSpan.FromSeconds(42)));

        Assert.Equal(TimeSpan.FromSeconds(42), RetryAfter.Read(response, time, s_cap));
        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(TimeSpan.FromSeconds(2), RetryAfter.Read(response, time, s_cap));
    }

    [Fact]
    public void A_date_already_past_means_now()
    {
        var time = FakeTime.Create();
        using var response = Answer(new RetryConditionHeaderValue(time.GetUtcNow() - TimeSpan.FromMinutes(5)));

        Assert.Equal(TimeSpan.Zero, RetryAfter.Read(response, time, s_cap));
    }

    [Fact]
    public void A_wait_longer_than_the_cap_is_cut_to_it()
    {
        using var delta = Answer(new RetryConditionHeaderValue(TimeSpan.FromHours(3)));
        var time = FakeTime.Create();
        using var date = Answer(new RetryConditionHeaderValue(time.GetUtcNow() + TimeSpan.FromHours(3)));

        Assert.Equal(s_cap, RetryAfter.Read(delta, time, s_cap));
        Assert.Equal(s_cap, RetryAfter.Read(date, time, s_cap));
    }

    [Fact]
    public void No_header_or_no_answer_is_no_wait_asked_for()
    {
        using var response = Answer(null);

        Assert.Null(RetryAfter.Read(response, FakeTime.Create(), s_cap));
        Assert.Null(RetryAfter.Read((HttpResponseMessage?)null, FakeTime.Create(), s_cap));
    }
}
