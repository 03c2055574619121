namespace KanikoBuild.Kaniko.Tests.Arguments;

public sealed class DockerEndpointTests
{
    [Fact]
    public void DOCKER_HOST_wins() =>
        Assert.Equal(new Uri("tcp://docker.example.com:2375"), DockerEndpoint.Resolve(n => n == "DOCKER_HOST" ? "tcp://docker.example.com:2375" : null));

    [Fact]
    public void Without_DOCKER_HOST_the_system_socket() =>
        Assert.Equal(new Uri("unix:///var/run/docker.sock"), DockerEndpoint.Resolve(_ => null));

    [Fact]
    public void A_malformed_DOCKER_HOST_is_a_clear_error() =>
        Assert.Contains("DOCKER_HOST 'not an address'", Assert.Throws<PipelineException>(() => DockerEndpoint.Resolve(n => n == "DOCKER_HOST" ? "not an address" : null)).Message, StringComparison.Ordinal);
}
