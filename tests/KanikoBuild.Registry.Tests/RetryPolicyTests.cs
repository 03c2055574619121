using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace KanikoBuild.Registry.Tests;

public class RetryPolicyTests
{
    [Fact]
    public void Network_and_server_failures_are_retried_but_not_mismatches_or_refusals()
    {
        Assert.True(RetryPolicies.IsTransient(new HttpRequestException("reset", new IOException("connection reset"))));
        Assert.True(RetryPolicies.IsTransient(new IOException("source ended early")));
        Assert.True(RetryPolicies.IsTransient(new RegistryException("busy", HttpStatusCode.ServiceUnavailable, [])));
        Assert.True(RetryPolicies.IsTransient(new RegistryException("slow down", HttpStatusCode.TooManyRequests, [], TimeSpan.FromSeconds(3))));
        Assert.False(RetryPolicies.IsTransient(new RegistryException("denied", HttpStatusCode.Forbidden, ["DENIED"])));
        Assert.False(RetryPolicies.IsTransient(new RegistryException("unknown", HttpStatusCode.NotFound, ["MANIFEST_UNKNOWN"])));
        Assert.False(RetryPolicies.IsTransient(new HttpRequestException("copy failed", new BlobDigestMismatchException("bad"))));
        Assert.False(RetryPolicies.IsTransient(new PipelineException("bad input")));
        Assert.False(RetryPolicies.IsTransient(new OperationCanceledException()));
    }

    [Fact]
    public async Task A_429s_Retry_After_date_is_measured_on_the_clients_clock_and_its_error_codes_are_read()
    {
        // Years after the machine's clock: measured against DateTimeOffset.UtcNow, the wait would be the 2-minute cap.
        var time = new FakeTimeProvider(new DateTimeOffset(2033, 3, 4, 5, 6, 7, TimeSpan.Zero));
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            Content = new StringContent("""{"errors":[{"code":"TOOMANYREQUESTS","message":"pull rate limit","detail":{"x":1}}]}""", Encoding.UTF8, "application/json"),
            Headers = { RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow() + TimeSpan.FromSeconds(25)) },
        };

        var error = await RegistryException.FromResponseAsync(response, "Pushing the manifest", time, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(25), error.RetryAfter);
        Assert.Equal(["TOOMANYREQUESTS"], error.ErrorCodes);
        Assert.Contains("TOOMANYREQUESTS: pull rate limit", error.Message);
        Assert.True(error.IsTransient);
    }
}
