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
/// (dev and production), the Console simulator (in process), the twistcli stand-in it serves, and the working kaniko
/// stand-in image. The build itself runs as users run it: the compiled build assembly as a child process, in a
/// checkout of its own (a temporary root holding .nuke/ and samples/), with secrets passed as environment variables.
/// What this does not prove: real kaniko's snapshotting and real twistcli's analysis (see standins/*/README.md).
/// </summary>
public sealed class PipelineWorld : IAsyncLifetime
{
    public const string ConsoleUser = "ci-pipeline";

    // Canary values for every secret parameter: they must appear nowhere the pipeline writes.
    public string ConsolePassword { get; } = "canary-console-" + Guid.NewGuid().ToString("N");
    public string DevRegistryPassword { get; } = "canary-devreg-" + Guid.NewGuid().ToString("N");
    public string ProdRegistryPassword { get; } = "canary-prodreg-" + Guid.NewGuid().ToString("N");

    public TempDirectory Root { get; } = new("kanikobuild-e2e-");
    public LocalRegistry Dev { get; private set; } = null!;
    public LocalRegistry Prod { get; private set; } = null!;
    public ConsoleSimulatorHost Console { get; private set; } = null!;
    public string KanikoImage { get; private set; } = null!;
    public string BaseImage => $"{Dev.Host}/busybox:1.36";

    /// <summary>docker inspect output of every executor container seen while the world ran.</summary>
    public ConcurrentDictionary<string, string> ContainerInspections { get; } = new();

    public async Task InitializeAsync()
    {
        await DockerEngine.RequireAsync();
        Peer.RequireExecutable("docker-registry", "docker-registry");
        Peer.RequireExecutable("go", "golang-go");
        CopyDirectory(RepositoryRoot.Combine("samples"), Root.Combine("samples"));
        Directory.CreateDirectory(Root.Combine(".nuke"));

        Dev = await LocalRegistry.StartAsync();
        Prod = await LocalRegistry.StartAsync();
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

    /// <summary>Runs the build with the given arguments (targets first) and the secrets in the environment.</summary>
    public async Task<BuildRun> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BuildAssembly.Path }.Concat(arguments).Concat(["--root", Root.Path, "--no-logo"]))
            info.ArgumentList.Add(argument);
        info.Environment["CONSOLE_PASSWORD"] = ConsolePassword;
        info.Environment["DEV_REGISTRY_PASSWORD"] = DevRegistryPassword;
        info.Environment["PROD_REGISTRY_PASSWORD"] = ProdRegistryPassword;
        info.Environment["DEV_REGISTRY_USER"] = "ci";
        info.Environment["PROD_REGISTRY_USER"] = "ci";
        foreach (var name in new[] { "GITHUB_ACTIONS", "GITLAB_CI", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT" })
            info.Environment.Remove(name);
        var output = new ConcurrentQueue<string>();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var watching = new CancellationTokenSource();
        var watcher = WatchContainersAsync(watching.Token);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        await watching.CancelAsync();
        await watcher;
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

    public RegistryClient Client(LocalRegistry registry) =>
        new(RegistrySpec.Parse(registry.Host), new RegistryClientOptions { UseDockerConfig = false, MaxRetries = 0 });

    async Task WatchContainersAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var ids = await Shell.RunAsync(DockerEngine.Cli, ["ps", "-aq", "--filter", $"label={DockerKanikoRunnerOptions.RoleLabel}"], ct: ct);
                foreach (var id in ids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var inspect = await Shell.RunAsync(DockerEngine.Cli, ["inspect", id], ct: ct);
                    if (inspect.ExitCode == 0)
                        ContainerInspections[id] = inspect.StandardOutput;
                }
                await Task.Delay(200, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

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
        Root.Dispose();
    }
}

public sealed record BuildRun(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}";
}
