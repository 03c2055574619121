using System.Diagnostics;

namespace KanikoBuild.Testing;

/// <summary>
/// A real distribution registry (Debian's <c>docker-registry</c>) on 127.0.0.1 and a random port, with its
/// own storage directory. Start one per test class (<c>IClassFixture&lt;RegistryFixture&gt;</c>) or per test.
/// </summary>
public sealed class Registry : IAsyncDisposable
{
    readonly Process _process;
    readonly TempDirectory _storage;

    Registry(Process process, TempDirectory storage, int port)
    {
        _process = process;
        _storage = storage;
        Port = port;
    }

    public int Port { get; }

    /// <summary>host:port, as image references name it.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"http://{Host}/");

    public string StorageDirectory => _storage.Path;

    /// <param name="extraConfig">YAML appended to the configuration (e.g. an <c>auth:</c> section).</param>
    public static async Task<Registry> StartAsync(string? extraConfig = null, CancellationToken ct = default)
    {
        var executable = Peer.RequireExecutable("docker-registry", "docker-registry");
        var storage = new TempDirectory("kanikobuild-registry-");
        var port = FreePort.Next();
        var config = storage.Write("config.yml", $"""
            version: 0.1
            log:
              level: error
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {storage.Combine("data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            {extraConfig ?? string.Empty}
            """);
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var process = Process.Start(info) ?? throw new InvalidOperationException("docker-registry did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new Registry(process, storage, port);
        await registry.WaitUntilReadyAsync(ct);
        return registry;
    }

    async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"docker-registry exited with code {_process.ExitCode} on port {Port}");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUri, "v2/"), ct);
                return; // 200, or 401 when auth is configured: either way it answers.
            }
            catch (HttpRequestException) { }
            await Task.Delay(50, ct);
        }
        throw new TimeoutException($"docker-registry did not answer on {Host} within 20 s");
    }

    /// <summary>Stops the process (simulates an outage); the storage directory stays.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        _storage.Dispose();
        await Task.CompletedTask;
    }
}
