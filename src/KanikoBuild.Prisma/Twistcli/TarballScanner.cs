using System.Runtime.InteropServices;
using System.Text.Json;
using Docker.DotNet;
using Serilog;

namespace KanikoBuild.Prisma.Twistcli;

/// <summary>
/// Runs <c>twistcli images scan --tarball</c> on a docker-save tarball and classifies what came of it: a result
/// (pass, or a failed CI policy) or a tool failure with twistcli's message. twistcli runs on this host when it can
/// (Linux, and root or CAP_SYS_CHROOT and CAP_MKNOD, checked for real), otherwise in a container through the Docker
/// engine; when neither is possible, one error says which requirement is missing. The Console password never
/// reaches twistcli: it gets the short-lived token from <paramref name="consoleToken"/> through a file in a private
/// folder that a small wrapper script reads.
/// </summary>
public sealed class TarballScanner(TarballScannerOptions options, Func<CancellationToken, Task<string>> consoleToken, ILogger? log = null, HostPrivileges? host = null)
{
    readonly ILogger _log = (log ?? Log.Logger).ForContext<TarballScanner>();

    Uri Endpoint => options.DockerEndpoint ?? KanikoBuild.Kaniko.DockerEndpoint.Resolve();

    /// <summary>The twistcli build a tarball scan needs: Linux, of this machine's architecture (in a container too).</summary>
    public static TwistcliPlatform RequiredTwistcliPlatform =>
        RuntimeInformation.OSArchitecture == Architecture.Arm64 ? TwistcliPlatform.LinuxArm64 : TwistcliPlatform.LinuxAmd64;

    public async Task<TarballScanOutcome> ScanAsync(TarballScanRequest request, CancellationToken ct)
    {
        if (!File.Exists(request.TarballPath))
            throw new PipelineException($"The image tarball '{request.TarballPath}' does not exist (kaniko writes it with --no-push --tar-path).");
        if (!File.Exists(request.TwistcliPath))
            throw new PipelineException($"twistcli '{request.TwistcliPath}' does not exist.");
        if (request.CaCertificatePath is { } ca && !File.Exists(ca))
            throw new PipelineException($"The Console CA certificate '{ca}' does not exist.");
        var run = await ChooseAsync(ct).ConfigureAwait(false);

        // A result left by an earlier run must never stand in for this one's.
        if (File.Exists(request.ResultFile))
            File.Delete(request.ResultFile);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(request.ResultFile))!);

        var token = await consoleToken(ct).ConfigureAwait(false);
        Secrets.Register(token);
        using var folder = await ScanFolder.CreateAsync(options.WorkRoot, token, ct).ConfigureAwait(false);
        var paths = run.PathsFor(folder, request);
        await folder.WriteScriptAsync(TwistcliScript.Render(request, paths), ct).ConfigureAwait(false);
        _log.Information("twistcli: scanning {Tarball} {Where}: {Command}", request.TarballPath,
            run.Placement == TwistcliPlacement.Host ? "on this host" : $"in a container of {options.ContainerImage}", TwistcliScript.Display(request, paths));

        var exit = await run.RunAsync(folder, request, ct).ConfigureAwait(false);
        var written = Path.Combine(folder.OutputDirectory, ScanFolder.OutputName);
        var readable = File.Exists(written) && IsResult(written);
        var verdict = (exit.ExitCode, readable) switch
        {
            (0, true) => TwistcliVerdict.Passed,
            (1, true) => TwistcliVerdict.PolicyFailed,
            _ => TwistcliVerdict.ToolFailed,
        };
        var stderr = exit.StandardError;
        if (verdict == TwistcliVerdict.ToolFailed && File.Exists(written) && !readable)
            stderr += $"\n(twistcli wrote a result file that is not twistcli's result JSON; exit {exit.ExitCode})";
        else if (verdict == TwistcliVerdict.ToolFailed && exit.ExitCode == 0)
            stderr += "\n(twistcli exited 0 without writing its result file)";
        string? result = null;
        if (verdict != TwistcliVerdict.ToolFailed)
        {
            File.Move(written, request.ResultFile, overwrite: true);
            result = request.ResultFile;
        }
        _log.Information("twistcli: exit {ExitCode}, {Verdict}", exit.ExitCode, verdict switch
        {
            TwistcliVerdict.Passed => "the Console's CI policy passed",
            TwistcliVerdict.PolicyFailed => "the Console's CI policy failed the image (result written)",
            _ => "a tool failure (no result)",
        });
        return new TarballScanOutcome(verdict, exit.ExitCode, result, stderr, run.Placement);
    }

    async Task<ITwistcliRun> ChooseAsync(CancellationToken ct)
    {
        var privileges = host ?? HostPrivileges.Current();
        switch (options.Placement)
        {
            case TwistcliPlacement.Host:
                return privileges.Shortcoming is { } hostProblem
                    ? throw new PipelineException($"twistcli --tarball cannot run on this host: {hostProblem}. It needs Linux and root, or CAP_SYS_CHROOT and CAP_MKNOD (prisma.md §1.3); let it run in a container instead.")
                    : new HostTwistcliRun(options.HostShell, _log);
            case TwistcliPlacement.Container:
                return await EngineProblemAsync(ct).ConfigureAwait(false) is { } engineProblem
                    ? throw new PipelineException($"twistcli --tarball cannot run in a container: {engineProblem}.")
                    : new ContainerTwistcliRun(options, Endpoint, _log);
            default:
                if (privileges.Shortcoming is not { } shortcoming)
                    return new HostTwistcliRun(options.HostShell, _log);
                if (await EngineProblemAsync(ct).ConfigureAwait(false) is not { } problem)
                {
                    _log.Information("twistcli: {Reason}; running it in a container through the Docker engine", shortcoming);
                    return new ContainerTwistcliRun(options, Endpoint, _log);
                }
                throw new PipelineException(
                    $"twistcli --tarball can run neither here nor in a container: {shortcoming}, and {problem}. " +
                    "Run the build on Linux as root (or with CAP_SYS_CHROOT and CAP_MKNOD as ambient capabilities), or give it a Docker engine (DOCKER_HOST).");
        }
    }

    /// <summary>Null when the engine answers; otherwise why not, in a user's words.</summary>
    async Task<string?> EngineProblemAsync(CancellationToken ct)
    {
        var endpoint = Endpoint;
        try
        {
            using var configuration = new DockerClientConfiguration(endpoint);
            using var client = configuration.CreateClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.EngineTimeout);
            await client.System.PingAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or IOException or TimeoutException or OperationCanceledException
                                      or DockerApiException or System.Net.Sockets.SocketException or NotSupportedException or ArgumentException)
        {
            return $"no Docker engine answers at {endpoint} ({(e is OperationCanceledException ? "no answer in time" : e.GetBaseException().Message)})";
        }
    }

    /// <summary>twistcli's result shape (prisma.md §1.5): an object with a non-empty <c>results</c> array.</summary>
    static bool IsResult(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("results", out var results)
                && results.ValueKind == JsonValueKind.Array && results.GetArrayLength() > 0;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
