using System.Collections.Concurrent;
using Docker.DotNet.Models;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.EndToEnd;

/// <summary>
/// Which kaniko containers the Docker engine created during a run, from the engine's own event stream: the
/// stand-in image gets a tag of its own for the run (<see cref="Image"/>, passed as <c>--kaniko-image</c>), and
/// every container the engine creates from that tag is seen, however briefly it lived. Other tests on the shared
/// engine use other tags, so they do not count. Each container is inspected (<c>docker inspect</c>) as soon as its
/// create event arrives, while the runner still holds it (it removes the container only after the build exits).
/// </summary>
public sealed class KanikoContainerWatch : IAsyncDisposable
{
    readonly ConcurrentQueue<Message> _events = new();
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentDictionary<string, Task<string?>> _inspections = new(StringComparer.Ordinal);
    Task _monitor = Task.CompletedTask;

    KanikoContainerWatch(string image) => Image = image;

    /// <summary>The run's own tag of the stand-in image.</summary>
    public string Image { get; }

    /// <summary>Containers created from <see cref="Image"/> so far.</summary>
    public int ContainersCreated => _events.Count(e => e.Type == "container" && e.Action == "create");

    /// <summary>
    /// <c>docker inspect</c> output of every container created from <see cref="Image"/>, by container id; null for
    /// one that was gone before it could be inspected. Final after <see cref="DisposeAsync"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Inspections { get; private set; } = new Dictionary<string, string?>();

    void OnEvent(Message message)
    {
        _events.Enqueue(message);
        if (message is { Type: "container", Action: "create", Actor.ID: { Length: > 0 } id })
            _inspections.GetOrAdd(id, InspectAsync);
    }

    static async Task<string?> InspectAsync(string id)
    {
        var inspect = await Shell.RunAsync(DockerEngine.Cli, ["inspect", id]);
        return inspect.ExitCode == 0 ? inspect.StandardOutput : null;
    }

    public static async Task<KanikoContainerWatch> StartAsync(string standInImage)
    {
        var watch = new KanikoContainerWatch($"{KanikoStandInImage.Repository}:watch-{Guid.NewGuid():N}");
        var client = DockerEngine.CreateClient();
        watch._monitor = Task.Run(async () =>
        {
            using (client)
            {
                try
                {
                    await client.System.MonitorEventsAsync(new ContainerEventsParameters
                    {
                        Filters = new Dictionary<string, IDictionary<string, bool>> { ["image"] = new Dictionary<string, bool> { [watch.Image] = true } },
                    }, new Progress<Message>(watch.OnEvent), watch._stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        // Tagging is itself an event: once one arrives, the stream is live and nothing after it is missed. The
        // stream may still be connecting when the first tag happens, so tag again until an event shows up.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await Shell.RunAsync(DockerEngine.Cli, ["rmi", watch.Image]);
            await Shell.RunCheckedAsync(DockerEngine.Cli, ["tag", standInImage, watch.Image]);
            for (var i = 0; i < 50 && !watch._events.Any(e => e.Type == "image" && e.Action == "tag"); i++)
                await Task.Delay(20);
            if (watch._events.Any(e => e.Type == "image" && e.Action == "tag"))
                break;
            if (DateTime.UtcNow > deadline || watch._monitor.IsCompleted)
            {
                await watch.DisposeAsync(); // removes the tag this run made
                throw new InvalidOperationException($"The Docker engine's event stream did not report tagging {watch.Image}; cannot watch for kaniko containers.");
            }
        }
        return watch;
    }

    bool _stopped;

    /// <summary>Stops watching (after which <see cref="ContainersCreated"/> is final) and removes the tag; safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        // Events are delivered asynchronously: give the last ones a moment before closing the stream.
        await Task.Delay(300);
        await _stop.CancelAsync();
        await _monitor;
        _stop.Dispose();
        var inspections = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (id, inspection) in _inspections)
            inspections[id] = await inspection;
        Inspections = inspections;
        await Shell.RunAsync(DockerEngine.Cli, ["rmi", Image]);
    }
}
