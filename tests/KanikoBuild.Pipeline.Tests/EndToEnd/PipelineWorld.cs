using System.Collections.Concurrent;
using System.Diagnostics;
using KanikoBuild.ConsoleSimulator;
using KanikoBuild.Kaniko;
using KanikoBuild.LocalPeers;
using KanikoBuild.Registry;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// Everything the pipeline talks to, for real where it can be: the Docker engine, two docker-registry instances
/// (dev, open; and production, behind distribution's token auth with the token issuer, so registry credentials are
/// exercised end to end by kaniko's push and by the promotion), the Console simulator (in process), the twistcli stand-in it serves, and the working kaniko
/// stand-in image. The build itself runs as users run it: the compiled build assembly as a child process, in a
/// checkout of its own (a temporary root holding .nuke/ and samples/), with secrets passed as environment variables.
/// What this does not prove: real kaniko's snapshotting and real twistcli's analysis (see standins/*/README.md).
/// </summary>
public sealed class PipelineWorld : IAsyncLifetime
{
    public const string ConsoleUser = "ci-pipeline";
    public const string RegistryUser = "ci";

    // Canary values for every secret parameter: they must appear nowhere the pipeline writes.
    public string ConsolePassword { get; } = "canary-console-" + Guid.NewGuid().ToString("N");
    public string DevRegistryPassword { get; } = "canary-devreg-" + Guid.NewGuid().ToString("N");
    public string ProdRegistryPassword { get; } = "canary-prodreg-" + Guid.NewGuid().ToString("N");

    public TempDirectory Root { get; } = new("kanikobuild-e2e-");
    public LocalRegistry Dev { get; private set; } = null!;
    public LocalRegistry Prod { get; private set; } = null!;

    /// <summary>Production's token service: it knows only <see cref="RegistryUser"/> with <see cref="ProdRegistryPassword"/>.</summary>
    public RegistryTokenIssuer ProdTokens { get; private set; } = null!;
    public ConsoleSimulatorHost Console { get; private set; } = null!;
    public string KanikoImage { get; private set; } = null!;
    public string BaseImage => $"{Dev.Host}/busybox:1.36";

    public async Task InitializeAsync()
    {
        await DockerEngine.RequireAsync();
        Peer.RequireExecutable("docker-registry", "docker-registry");
        Peer.RequireExecutable("go", "golang-go");
        CopyDirectory(RepositoryRoot.Combine("samples"), Root.Combine("samples"));
        Directory.CreateDirectory(Root.Combine(".nuke"));

        Dev = await LocalRegistry.StartAsync();
        ProdTokens = await RegistryTokenIssuer.StartAsync();
        ProdTokens.Users[RegistryUser] = ProdRegistryPassword;
        Prod = await LocalRegistry.StartAsync(ProdTokens.RegistryConfig);
        var twistcli = await StandIns.BuildGoAsync(RepositoryRoot.Path, "twistcli", default);
        Console = await ConsoleSimulatorHost.StartAsync(new SimulatorOptions
        {
            Users = [new SimulatorUser(ConsoleUser, ConsolePassword, "admin")],
            FeedPath = RepositoryRoot.Combine("samples", "feed-entries.json"),
            TwistcliFiles = new() { ["*"] = twistcli },
            ScanDuration = TimeSpan.FromSeconds(1),
        });
        KanikoImage = await KanikoStandInImage.EnsureAsync();
        using (var client = new RegistryClient(RegistrySpec.Parse(Dev.Host), new RegistryClientOptions { UseDockerConfig = false }))
            await LocalPeers.BaseImage.PushBusyboxAsync(client, "busybox", "1.36", default);
        await BuildAssembly.EnsureAsync();
    }

    /// <summary>The secrets a run reads from its environment (never its command line), and no CI's variables.</summary>
    public void PrepareEnvironment(ProcessStartInfo info)
    {
        info.Environment["CONSOLE_PASSWORD"] = ConsolePassword;
        info.Environment["DEV_REGISTRY_PASSWORD"] = DevRegistryPassword;
        info.Environment["PROD_REGISTRY_PASSWORD"] = ProdRegistryPassword;
        info.Environment["DEV_REGISTRY_USER"] = RegistryUser;
        info.Environment["PROD_REGISTRY_USER"] = RegistryUser;
        foreach (var name in new[] { "GITHUB_ACTIONS", "GITLAB_CI", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT" })
            info.Environment.Remove(name);
    }

    /// <summary>Runs the build with the given arguments (targets first) and the secrets in the environment.</summary>
    public async Task<BuildRun> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BuildAssembly.Path }.Concat(arguments).Concat(["--root", Root.Path, "--no-logo"]))
            info.ArgumentList.Add(argument);
        PrepareEnvironment(info);
        var output = new ConcurrentQueue<string>();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        return new BuildRun(process.ExitCode, string.Join('\n', output));
    }

    /// <summary>Common arguments for building one of the samples.</summary>
    public string[] SampleArguments(string sample, string tag) =>
    [
        "--dockerfile", $"samples/{sample}/Dockerfile", "--context", "samples",
        "--build-args", $"BASE_IMAGE={BaseImage}",
        "--cache-repo", $"{Dev.Host}/cache/{sample}",
        "--kaniko-image", KanikoImage, "--kaniko-runner", "docker", "--kaniko-network", "host",
        "--console-url", Console.ConsoleUrl.ToString().TrimEnd('/'), "--console-user", ConsoleUser,
        "--dev-registry", $"{Dev.Host}/dev", "--prod-registry", $"{Prod.Host}/prod",
        "--image", $"samples/{sample}", "--tag", tag, "--scan-timeout", "120",
        "--reports-dir", $"artifacts/{sample}-{tag}",
    ];

    /// <summary>A client of one of the world's registries, logged in to production (which refuses anonymous reads).</summary>
    public RegistryClient Client(LocalRegistry registry) =>
        new(RegistrySpec.Parse(registry.Host), new RegistryClientOptions
        {
            UseDockerConfig = false, MaxRetries = 0,
            Credential = registry == Prod ? new RegistryCredential(RegistryUser, ProdRegistryPassword) : null,
        });

    /// <summary>Whether the registry's storage holds the repository at all (any tag, manifest or layer link).</summary>
    public static bool HoldsRepository(LocalRegistry registry, string repository) =>
        Directory.Exists(Path.Combine(registry.StorageDirectory, "data", "docker", "registry", "v2", "repositories", repository));

    static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    public async Task DisposeAsync()
    {
        await Console.DisposeAsync();
        await Dev.DisposeAsync();
        await Prod.DisposeAsync();
        await ProdTokens.DisposeAsync();
        Root.Dispose();
    }
}

public sealed record BuildRun(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}";
}
