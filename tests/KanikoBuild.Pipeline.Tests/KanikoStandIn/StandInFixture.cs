using System.Text.Json;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>
/// One real registry with the busybox test image pushed as <c>busybox:latest</c>, and the stand-in executor image,
/// shared by the stand-in tests (they run one after another: each one starts a container on a 2-core machine).
/// </summary>
public sealed class StandInFixture : IAsyncLifetime
{
    Testing.Registry? _registry;

    public Testing.Registry Registry => _registry ?? throw new InvalidOperationException("fixture not started");

    public string Image { get; private set; } = "";

    /// <summary>The base image every test builds on, in the test registry.</summary>
    public string BaseImage => $"{Registry.Host}/busybox:latest";

    public string Skopeo { get; } = Peer.RequireExecutable("skopeo", "skopeo");

    public async Task InitializeAsync()
    {
        _registry = await Testing.Registry.StartAsync();
        Image = await KanikoStandInImage.EnsureAsync();
        var busybox = await BaseImageAsync();
        await Shell.RunCheckedAsync(Skopeo, ["copy", "--quiet", "--dest-tls-verify=false", $"docker-daemon:{busybox}", $"docker://{BaseImage}"]);
    }

    /// <summary>
    /// BusyboxImage's rootfs, but with a 0755 root directory: BusyboxImage tars its 0700 temporary directory, so its
    /// "/" is 0700 and no non-root user can run anything in it (and USER steps are part of what is tested here).
    /// </summary>
    static async Task<string> BaseImageAsync()
    {
        const string name = "kanikobuild-test/standin-base:latest";
        await DockerEngine.RequireAsync();
        if ((await Shell.RunAsync(DockerEngine.Cli, ["image", "inspect", name])).ExitCode == 0)
            return name;
        using var work = new TempDirectory("kanikobuild-standin-base-");
        var root = work.Combine("rootfs");
        Directory.CreateDirectory(root);
        await BusyboxImage.CreateRootfsAsync(root);
        var tar = work.Combine("rootfs.tar");
        await Shell.RunCheckedAsync("tar", ["-C", root, "--numeric-owner", "--owner=0", "--group=0", "-cf", tar, "."]);
        await Shell.RunCheckedAsync(DockerEngine.Cli, ["import", "--change", "CMD [\"/bin/sh\"]", "--change", "ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin", tar, name]);
        return name;
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null)
            await _registry.DisposeAsync();
    }

    /// <summary>Runs the stand-in image like the Docker runner does: fresh container, host network, context at /workspace.</summary>
    public async Task<StandInRun> RunAsync(string context, IEnumerable<string> arguments, IEnumerable<(string Host, string Container)>? mounts = null,
        IReadOnlyDictionary<string, string>? environment = null, string? entrypoint = null, IEnumerable<string>? dockerOptions = null)
    {
        var args = new List<string> { "run", "--rm", "--network", "host", "-e", "container=docker", "-v", $"{context}:/workspace" };
        args.AddRange(dockerOptions ?? []);
        foreach (var (host, container) in mounts ?? [])
            args.AddRange(["-v", $"{host}:{container}"]);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            args.AddRange(["-e", $"{name}={value}"]);
        if (entrypoint is not null)
            args.AddRange(["--entrypoint", entrypoint]);
        args.Add(Image);
        args.AddRange(arguments);
        var result = await Shell.RunAsync(DockerEngine.Cli, args);
        return new StandInRun(result.ExitCode, result.StandardOutput + result.StandardError);
    }

    /// <summary>skopeo inspect of an image in the test registry (manifest digest and layer digests).</summary>
    public async Task<(string Digest, string[] Layers)> InspectAsync(string reference)
    {
        using var json = JsonDocument.Parse(await Shell.RunCheckedAsync(Skopeo, ["inspect", "--tls-verify=false", $"docker://{reference}"]));
        var layers = json.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()!).ToArray();
        return (json.RootElement.GetProperty("Digest").GetString()!, layers);
    }

    public async Task<JsonDocument> ConfigAsync(string reference) =>
        JsonDocument.Parse(await Shell.RunCheckedAsync(Skopeo, ["inspect", "--tls-verify=false", "--config", $"docker://{reference}"]));

    public async Task<bool> ExistsAsync(string reference) =>
        (await Shell.RunAsync(Skopeo, ["inspect", "--tls-verify=false", "--raw", $"docker://{reference}"])).ExitCode == 0;

    /// <summary>Pulls an image into the engine, runs a command in it, removes the image again.</summary>
    public async Task<Shell.Result> RunPulledAsync(string reference, params string[] command)
    {
        await Shell.RunCheckedAsync(DockerEngine.Cli, ["pull", "-q", reference]);
        try
        {
            return await Shell.RunAsync(DockerEngine.Cli, ["run", "--rm", "--network", "none", reference, .. command]);
        }
        finally
        {
            await Shell.RunAsync(DockerEngine.Cli, ["rmi", "-f", reference]);
        }
    }
}

public sealed record StandInRun(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}";
}

[CollectionDefinition(Name)]
public sealed class StandInCollection : ICollectionFixture<StandInFixture>
{
    public const string Name = "kaniko stand-in";
}
