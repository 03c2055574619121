
namespace KanikoBuild.Testing;

/// <summary>
/// The working kaniko executor stand-in (<c>standins/kaniko</c>) as an image shaped like the official debug image:
/// static busybox with its applets under <c>/busybox</c>, the stand-in at <c>/kaniko/executor</c>,
/// <c>/kaniko/.docker/</c>, <c>/kaniko/ssl/certs/</c>, <c>DOCKER_CONFIG=/kaniko/.docker/</c>, <c>VOLUME /busybox</c>,
/// <c>ENTRYPOINT ["/kaniko/executor"]</c>. Imported with <c>docker import</c>; the tag <c>:&lt;recipe hash&gt;</c> says which
/// recipe made it (the executor's sources, busybox, folders, image settings), so a changed one is re-imported and
/// <c>:latest</c> moved to it.
/// </summary>
public static class KanikoStandInImage
{
    public const string Repository = "kanikobuild-test/kaniko-standin";
    public const string Name = Repository + ":latest";

    static readonly SemaphoreSlim s_gate = new(1, 1);

    /// <summary>
    /// Makes sure the current stand-in build is imported and returns its pinned name (<c>:&lt;recipe hash&gt;</c>), not
    /// <see cref="Name"/>: checkouts with different stand-in sources share one engine, and <c>:latest</c> moves between them.
    /// </summary>
    public static async Task<string> EnsureAsync(CancellationToken ct = default)
    {
        await DockerEngine.RequireAsync();
        Peer.RequireExecutable("go", "golang-go");
        Peer.Require(File.Exists("/bin/busybox"), "a static busybox at /bin/busybox", "apt-get install busybox-static");
        await s_gate.WaitAsync(ct);
        try
        {
            using var docker = DockerEngine.CreateClient();
            return await KanikoBuild.LocalPeers.StandIns.EnsureKanikoImageAsync(docker, RepositoryRoot.Path, Repository, ct);
        }
        finally
        {
            s_gate.Release();
        }
    }
}
