namespace KanikoBuild.Kaniko;

/// <summary>
/// Whose loopback the executor sees. A registry on 127.0.0.1 is this machine's only when the executor shares its
/// network: the local runner always does, a Docker container only with <c>--kaniko-network host</c> (kaniko.md §7).
/// </summary>
public sealed record ExecutorNetwork(bool SharesHostLoopback, string Description)
{
    public static ExecutorNetwork SameHost { get; } = new(true, "this machine's network");

    public static ExecutorNetwork Docker(string? networkMode) =>
        string.Equals(networkMode, "host", StringComparison.OrdinalIgnoreCase)
            ? new(true, "--kaniko-network host")
            : new(false, networkMode is null ? "Docker's default network (no --kaniko-network)" : $"--kaniko-network {networkMode}");
}
