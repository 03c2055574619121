using KanikoBuild.LocalPeers;

namespace KanikoBuild.Testing;

/// <summary>
/// Builds a stand-in from Go sources in the repository (<c>standins/&lt;name&gt;</c>) into a static binary
/// (<c>CGO_ENABLED=0</c>), so it runs in images with no libc and no shell. Cached by a hash of the sources.
/// </summary>
public static class GoBinary
{
    public static Task<string> BuildAsync(string standIn, CancellationToken ct = default)
    {
        Peer.RequireExecutable("go", "golang-go");
        return StandIns.BuildGoAsync(RepositoryRoot.Path, standIn, ct);
    }
}
