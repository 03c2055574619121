using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;

namespace KanikoBuild.Prisma.Twistcli;

/// <summary>
/// twistcli in a fresh container through the Docker engine, as root with CAP_SYS_CHROOT and CAP_MKNOD: the tarball,
/// twistcli and the wrapper folder (with the token file) mounted read-only, only the result folder writable, and
/// the unpacked image in an anonymous volume at <c>/tmp</c> that goes with the container. The container is removed
/// in every outcome.
/// </summary>
internal sealed class ContainerTwistcliRun(TarballScannerOptions options, Uri endpoint, ILogger log) : ITwistcliRun
{
    public const string RoleLabel = "org.kanikobuild.role";
    const string Base = "/kanikobuild";
    const string RunPath = Base + "/run";
    const string OutPath = Base + "/out";

    public TwistcliPlacement Placement => TwistcliPlacement.Container;

    public TwistcliPaths PathsFor(ScanFolder folder, TarballScanRequest request) =>
        new(Base + "/bin/twistcli", $"{Base}/image/{TarballName(request)}", RunPath + "/secrets/console-token", $"{OutPath}/{ScanFolder.OutputName}",
            request.CaCertificatePath is null ? null : Base + "/ca.pem");

    // The file name is kept (twistcli logs it); one that would need quoting in a mount is replaced.
    static string TarballName(TarballScanRequest request) =>
        Path.GetFileName(request.TarballPath) is { Length: > 0 } name && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') ? name : "image.tar";

    /// <summary>The container as the engine gets it; nothing in it holds the Console token.</summary>
    internal CreateContainerParameters Spec(ScanFolder folder, TarballScanRequest request, string runId)
    {
        static Mount Bind(string source, string target, bool readOnly) => new() { Type = "bind", Source = source, Target = target, ReadOnly = readOnly };
        var paths = PathsFor(folder, request);
        var mounts = new List<Mount>
        {
            Bind(Path.GetFullPath(request.TwistcliPath), paths.Twistcli, readOnly: true),
            Bind(Path.GetFullPath(request.TarballPath), paths.Tarball, readOnly: true),
            Bind(folder.RunDirectory, RunPath, readOnly: true),
            Bind(folder.OutputDirectory, OutPath, readOnly: false),
            // Where twistcli unpacks the image: disk in the engine, removed with the container (RemoveVolumes).
            new() { Type = "volume", Target = "/tmp" },
        };
        if (request.CaCertificatePath is { } ca)
            mounts.Add(Bind(Path.GetFullPath(ca), paths.CaCertificate!, readOnly: true));
        var environment = new List<string> { "TMPDIR=/tmp", "HOME=/tmp" };
        foreach (var (name, value) in request.Environment)
        {
            if (!string.Equals(Secrets.Mask(value), value, StringComparison.Ordinal))
                throw new PipelineException($"The variable {name} for twistcli holds a secret, and a container's environment is visible to 'docker inspect'.");
            environment.Add($"{name}={value}");
        }
        var labels = new Dictionary<string, string>(options.Labels, StringComparer.Ordinal)
        {
            [RoleLabel] = "twistcli-tarball",
            ["org.kanikobuild.run"] = runId,
        };
        return new CreateContainerParameters
        {
            Image = options.ContainerImage,
            Entrypoint = [options.ContainerShell],
            Cmd = [RunPath + "/scan.sh"],
            Env = environment,
            User = "0:0",
            Labels = labels,
            HostConfig = new HostConfig
            {
                Mounts = mounts,
                NetworkMode = options.NetworkMode,
                // Docker grants both by default; named so an engine with a narrower default still lets twistcli chroot and mknod.
                CapAdd = ["SYS_CHROOT", "MKNOD"],
                AutoRemove = false,
            },
        };
    }

    public async Task<TwistcliExit> RunAsync(ScanFolder folder, TarballScanRequest request, CancellationToken ct)
    {
        using var configuration = new DockerClientConfiguration(endpoint);
        using var client = configuration.CreateClient();
        await EnsureImageAsync(client, ct).ConfigureAwait(false);
        var stderr = new StderrTail();
        string? id = null;
        try
        {
            var created = await client.Containers.CreateContainerAsync(Spec(folder, request, Path.GetFileName(folder.Root)), ct).ConfigureAwait(false);
            id = created.ID;
            await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct).ConfigureAwait(false);
            await StreamAsync(client, id, stderr, ct).ConfigureAwait(false);
            var exit = await client.Containers.WaitContainerAsync(id, ct).ConfigureAwait(false);
            return new TwistcliExit((int)exit.StatusCode, stderr.ToString());
        }
        catch (DockerApiException e) when (!ct.IsCancellationRequested)
        {
            var body = e.ResponseBody is { Length: > 0 } text ? text.Trim() : e.Message;
            throw new PipelineException(Secrets.Mask(
                $"The Docker engine at {endpoint} could not run twistcli in a container of {options.ContainerImage} ({body}); the image must have a shell at {options.ContainerShell} (the kaniko debug image has /busybox/sh), and the engine must see this machine's folders (it mounts {folder.Root} and the tarball)."), e);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && id is not null)
        {
            try { await client.Containers.KillContainerAsync(id, new ContainerKillParameters(), CancellationToken.None).ConfigureAwait(false); }
            catch (DockerApiException) { }
            throw;
        }
        finally
        {
            if (id is not null)
            {
                try
                {
                    await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
                {
                    log.Warning("twistcli: could not remove container {Container} ({Reason}); remove it with 'docker rm -fv {Container}'", id[..12], e.Message, id);
                }
            }
        }
    }

    async Task EnsureImageAsync(DockerClient client, CancellationToken ct)
    {
        try
        {
            await client.Images.InspectImageAsync(options.ContainerImage, ct).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException e)
        {
            throw new PipelineException(
                $"The image {options.ContainerImage}, which runs twistcli --tarball in a container, is not in the Docker engine at {endpoint}. It is the kaniko executor (debug) image the build runs kaniko with; pull it, or name one with a shell at {options.ContainerShell}.", e);
        }
    }

    async Task StreamAsync(DockerClient client, string id, StderrTail stderr, CancellationToken ct)
    {
        using var stream = await client.Containers.GetContainerLogsAsync(id, tty: false,
            new ContainerLogsParameters { Follow = true, ShowStdout = true, ShowStderr = true }, ct).ConfigureAwait(false);
        var pending = new[] { new System.Text.StringBuilder(), new System.Text.StringBuilder() };
        // One decoder per stream: a character split across two reads is decoded whole.
        var decoders = new[] { System.Text.Encoding.UTF8.GetDecoder(), System.Text.Encoding.UTF8.GetDecoder() };
        var chars = new char[System.Text.Encoding.UTF8.GetMaxCharCount(16 * 1024)];
        void Emit(int target, string line)
        {
            if (target == 1)
            {
                stderr.Add(line);
                log.Warning("{Output}", line);
            }
            else
            {
                log.Information("{Output}", line);
            }
        }
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
            if (read.EOF)
                break;
            var target = read.Target == MultiplexedStream.TargetStream.StandardError ? 1 : 0;
            var decoded = decoders[target].GetChars(buffer, 0, read.Count, chars, 0);
            pending[target].Append(chars, 0, decoded);
            var text = pending[target].ToString();
            var newline = text.LastIndexOf('\n');
            if (newline < 0)
                continue;
            foreach (var line in text[..newline].Split('\n'))
                Emit(target, line.TrimEnd('\r'));
            pending[target].Clear().Append(text[(newline + 1)..]);
        }
        for (var target = 0; target < 2; target++)
        {
            if (pending[target].Length > 0)
                Emit(target, pending[target].ToString());
        }
    }
}
