using KanikoBuild.LocalPeers;

namespace KanikoBuild.Testing;

public static class FreePort
{
    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int Next() => LoopbackPort.Next();
}
