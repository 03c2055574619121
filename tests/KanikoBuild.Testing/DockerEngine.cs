using Docker.DotNet;

namespace KanikoBuild.Testing;

/// <summary>The real Docker engine the tests build and run containers with.</summary>
public static class DockerEngine
{
    static readonly Lazy<Task<bool>> s_reachable = new(async () =>
    {
        try
        {
            using var client = CreateClient();
            await client.System.PingAsync();
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or DockerApiException or IOException or System.Net.Sockets.SocketException or TaskCanceledException)
        {
            return false;
        }
    });

    public static Uri Endpoint =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? new Uri(host) : new Uri("unix:///var/run/docker.sock");

    public static DockerClient CreateClient() => new DockerClientConfiguration(Endpoint).CreateClient();

    public static async Task RequireAsync() =>
        Peer.Require(await s_reachable.Value, "a running Docker engine",
            "apt-get install docker.io, then start 'dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs'");

    /// <summary>
    /// Debian's docker client: the engine here is 20.10, and the newer client first on PATH wants buildx for
    /// 'docker build'. Falls back to whatever 'docker' is on PATH.
    /// </summary>
    public static string Cli => File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : Peer.RequireExecutable("docker", "docker.io");
}
