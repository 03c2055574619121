using System.Net;

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
}
