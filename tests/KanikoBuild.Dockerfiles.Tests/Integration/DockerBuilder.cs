using System.Security.Cryptography;
using System.Text.RegularExpressions;
using KanikoBuild.Testing;

namespace KanikoBuild.Dockerfiles.Tests.Integration;

/// <summary>
/// The real Docker builder (the engine's legacy builder, or BuildKit, through Debian's client, <c>--network host</c>
/// so that RUN steps reach a Console on 127.0.0.1). It has no /kaniko mount and no /busybox, so the scan tools come from
/// <see cref="ToolsImageAsync"/> through the instrumentation's helper stage.
/// </summary>
public static partial class DockerBuilder
{
    /// <summary>Where the tools image keeps the tools folder, and the shell it brings along.</summary>
    public const string ToolsDirectory = "/kanikobuild";
    public const string Shell = "/kanikobuild/sh";

    /// <summary>A fixed Console token baked into the tools image: for tests only, never a real credential.</summary>
    public const string TestToken = "kanikobuild-test-token-not-a-secret";

    static readonly SemaphoreSlim s_gate = new(1, 1);

    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>The "Step n/m : …" lines in order.</summary>
        public IReadOnlyList<string> Steps => StepPattern().Matches(Output).Select(m => m.Groups[1].Value.Trim()).ToList();

        /// <summary>Containers the builder ran RUN steps in, in order.</summary>
        public IReadOnlyList<string> Containers => ContainerPattern().Matches(Output).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"^Step \d+/\d+ : (.*)$", RegexOptions.Multiline)]
    private static partial Regex StepPattern();

    [GeneratedRegex(@"Running in ([0-9a-f]{12,64})")]
    private static partial Regex ContainerPattern();

    public static ScanStageOptions Options(string consoleAddress, string? stage = null, string? toolsImage = null) => new()
    {
        ConsoleAddress = consoleAddress,
        Stage = stage,
        ToolsDirectory = ToolsDirectory,
        ShellPath = Shell,
        ToolsImage = toolsImage,
        Publish = true,
    };

    /// <summary>The engine's two builders, both through Debian's client: the legacy one, and BuildKit.</summary>
    public enum Builder
    {
        Legacy,
        BuildKit,
    }

    /// <summary>Builds <paramref name="dockerfile"/> with a context that <c>.dockerignore</c> empties completely.</summary>
    public static async Task<Result> BuildAsync(string dockerfile, string target, string tag, Builder builder = Builder.Legacy)
    {
        await DockerEngine.RequireAsync();
        using var context = new TempDirectory("kanikobuild-context-");
        context.Write(".dockerignore", "*\n");
        context.Write("secret.txt", "must never be sent\n");
        using var files = new TempDirectory("kanikobuild-dockerfile-");
        var path = files.Write("Dockerfile.scan", dockerfile);
        string[] progress = builder == Builder.BuildKit ? ["--progress", "plain"] : [];
        var result = await KanikoBuild.Testing.Shell.RunAsync(DockerEngine.Cli,
            ["build", .. progress, "--network", "host", "-f", path, "--target", target, "-t", tag, context.Path],
            environment: new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = builder == Builder.BuildKit ? "1" : "0" });
        return new Result(result.ExitCode, result.StandardOutput + result.StandardError);
    }

    /// <summary>Copies a file out of a container (a stopped one after a failed step included); null when it is not there.</summary>
    public static async Task<string?> CopyOutAsync(string container, string path)
    {
        using var directory = new TempDirectory();
        var target = directory.Combine("file");
        var copy = await KanikoBuild.Testing.Shell.RunAsync(DockerEngine.Cli, ["cp", $"{container}:{path}", target]);
        return copy.ExitCode == 0 ? await File.ReadAllTextAsync(target) : null;
    }

    /// <summary>Copies a file out of an image (through a created, never started container).</summary>
    public static async Task<string?> CopyOutOfImageAsync(string image, string path)
    {
        // A command, because an image FROM scratch may have none and 'docker create' refuses that; it never runs.
        var container = (await KanikoBuild.Testing.Shell.RunCheckedAsync(DockerEngine.Cli, ["create", image, "/kanikobuild-never-run"])).Trim();
        try
        {
            return await CopyOutAsync(container, path);
        }
        finally
        {
            await RemoveContainersAsync([container]);
        }
    }

    public static async Task RemoveContainersAsync(IEnumerable<string> containers)
    {
        foreach (var container in containers)
            await KanikoBuild.Testing.Shell.RunAsync(DockerEngine.Cli, ["rm", "-f", container]);
    }

    public static async Task RemoveImageAsync(string tag) => await KanikoBuild.Testing.Shell.RunAsync(DockerEngine.Cli, ["rmi", "-f", tag]);

    /// <summary>
    /// busybox + the Go stand-in + a test token, laid out like the scan tools folder at <see cref="ToolsDirectory"/>,
    /// with busybox as <see cref="Shell"/>. Tagged by content, built once.
    /// </summary>
    public static async Task<string> ToolsImageAsync()
    {
        var busybox = await BusyboxImage.EnsureAsync();
        var twistcli = await GoBinary.BuildAsync("twistcli");
        var hash = Convert.ToHexStringLower(SHA256.HashData([.. await File.ReadAllBytesAsync(twistcli), .. System.Text.Encoding.UTF8.GetBytes(TestToken)]))[..12];
        var tag = $"kanikobuild-test/scan-tools:{hash}";
        await s_gate.WaitAsync();
        try
        {
            if ((await KanikoBuild.Testing.Shell.RunAsync(DockerEngine.Cli, ["image", "inspect", tag])).ExitCode == 0)
                return tag;
            using var context = new TempDirectory("kanikobuild-tools-");
            File.Copy(twistcli, context.Combine("twistcli"));
            context.Write("console-token", TestToken);
            context.Write("Dockerfile", $"""
                FROM {busybox}
                COPY twistcli {ToolsDirectory}/twistcli
                COPY console-token {ToolsDirectory}/secrets/console-token
                RUN mkdir -p {ToolsDirectory}/out && chmod 0777 {ToolsDirectory}/out && chmod 0400 {ToolsDirectory}/secrets/console-token \
                    && chmod 0755 {ToolsDirectory}/twistcli && cp /bin/busybox {ToolsDirectory}/busybox && ln -s busybox {Shell}
                """);
            await KanikoBuild.Testing.Shell.RunCheckedAsync(DockerEngine.Cli, ["build", "--network", "host", "-t", tag, context.Path],
                environment: new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "0" });
            return tag;
        }
        finally
        {
            s_gate.Release();
        }
    }
}
