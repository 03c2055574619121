using System.Diagnostics;

namespace KanikoBuild.LocalPeers;

/// <summary>
/// A distribution registry (Debian's <c>docker-registry</c>) on 127.0.0.1 and a free port, with its own storage
/// folder, stopped and removed on dispose. The Sandbox's registry, and the tests'.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    readonly string _executable;
    Process _process;

    LocalRegistry(string executable, Process process, string storage, int port)
    {
        _executable = executable;
        _process = process;
        StorageDirectory = storage;
        Port = port;
    }

    public int Port { get; }

    /// <summary>host:port, as image references name it.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"http://{Host}/");

    public string StorageDirectory { get; }

    public static string? FindExecutable() =>
        new[] { "docker-registry", "registry" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, name)))
            .FirstOrDefault(File.Exists);

    /// <param name="extraConfig">YAML appended to the configuration (e.g. an <c>auth:</c> section).</param>
    public static async Task<LocalRegistry> StartAsync(string? extraConfig = null, CancellationToken ct = default)
    {
        var executable = FindExecutable()
            ?? throw new PipelineException("No docker-registry on PATH: apt-get install docker-registry (the distribution registry).");
        var storage = Directory.CreateTempSubdirectory("kanikobuild-registry-").FullName;
        var port = LoopbackPort.Next();
        var config = Path.Combine(storage, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: error
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(storage, "data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            {extraConfig ?? string.Empty}
            """, ct).ConfigureAwait(false);
        var registry = new LocalRegistry(executable, Serve(executable, config), storage, port);
        try
        {
            await registry.WaitUntilReadyAsync(ct).ConfigureAwait(false);
            return registry;
        }
        catch
        {
            await registry.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    static Process Serve(string executable, string config)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var process = Process.Start(info) ?? throw new PipelineException($"{executable} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Starts the registry again after <see cref="Kill"/>, on the same port and storage (the outage ends).</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        Kill();
        _process.Dispose();
        _process = Serve(_executable, Path.Combine(StorageDirectory, "config.yml"));
        await WaitUntilReadyAsync(ct).ConfigureAwait(false);
    }

    Task WaitUntilReadyAsync(CancellationToken ct) =>
        Readiness.WaitAsync(new Uri(BaseUri, "v2/"), _process, $"docker-registry on port {Port}", TimeSpan.FromSeconds(20), ct);

    /// <summary>Stops the process (an outage); the storage folder stays until dispose or <see cref="RestartAsync"/>.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        try { Directory.Delete(StorageDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }

}
