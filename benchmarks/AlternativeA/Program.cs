using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using KanikoBuild;
using KanikoBuild.ConsoleSimulator;
using KanikoBuild.Kaniko;
using KanikoBuild.LocalPeers;
using KanikoBuild.Pipeline;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.ScanInBuild;
using KanikoBuild.Prisma;
using KanikoBuild.Registry;
using KanikoBuild.Testing;
using Serilog;
using Serilog.Core;
using Serilog.Events;

// Alternative A (ScanBuild, then the release build: what `./build.sh ReleaseBuild` runs) against one plain kaniko
// build+push of the same Dockerfile, with the same executor image, through the real Docker engine, interleaved
// round by round. Cold: a cache repository nobody has used; warm: one both have filled before. Prints medians, the
// ratio, and where A's time goes (every executor container's wall time, and the stretches between the executor's
// own log lines of the last round, written to the profile file).
//
//   dotnet run -c Release --project benchmarks/AlternativeA -- [rounds] [profile-file]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var profileFile = args.Length > 1 ? Path.GetFullPath(args[1]) : Path.Combine(Path.GetTempPath(), "kanikobuild-alternative-a-profile.txt");
var events = new EventRecorder();
Log.Logger = new LoggerConfiguration().MinimumLevel.Information()
    .WriteTo.Sink(events)
    .WriteTo.Console(restrictedToMinimumLevel: LogEventLevel.Warning)
    .CreateLogger();

using var work = new TempDirectory("kanikobuild-bench-a-");
var context = Path.Combine(work.Path, "context");
Directory.CreateDirectory(context);
await File.WriteAllTextAsync(Path.Combine(context, "app.txt"), "the application\n");
// The image: a small COPY and three 20 MB RUN layers on busybox.
await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), """
    ARG BASE_IMAGE
    FROM ${BASE_IMAGE}
    COPY app.txt /app/app.txt
    RUN head -c 20971520 /dev/urandom > /app/one
    RUN head -c 20971520 /dev/urandom > /app/two
    RUN head -c 20971520 /dev/urandom > /app/three
    """);

await using var registry = await LocalRegistry.StartAsync();
var twistcli = await StandIns.BuildGoAsync(RepositoryRoot.Path, "twistcli", default);
const string consoleUser = "bench";
var password = RandomNumberGenerator.GetHexString(32, lowercase: true);
Secrets.Register(password);
await using var console = await ConsoleSimulatorHost.StartAsync(new SimulatorOptions
{
    Users = [new SimulatorUser(consoleUser, password, "admin")],
    FeedPath = RepositoryRoot.Combine("samples", "feed-entries.json"),
    TwistcliFiles = new() { ["*"] = twistcli },
    Log = _ => { },
});
var kanikoImage = Environment.GetEnvironmentVariable("KANIKO_IMAGE") is { Length: > 0 } given ? given : await KanikoStandInImage.EnsureAsync();
using (var client = new RegistryClient(RegistrySpec.Parse(registry.Host), new RegistryClientOptions { UseDockerConfig = false }))
    await BaseImage.PushBusyboxAsync(client, "busybox", "1.36", default);
var baseImage = $"{registry.Host}/busybox:1.36";
var kaniko = new KanikoOptions { Image = kanikoImage, Runner = KanikoRunnerKind.Docker, Network = "host" };

var results = new Dictionary<string, List<double>>();
var containers = new Dictionary<string, List<double>>();
void Add(Dictionary<string, List<double>> into, string key, double value)
{
    if (!into.TryGetValue(key, out var list))
        into[key] = list = [];
    list.Add(value);
}

Console.WriteLine($"executor image {kanikoImage}; {rounds} rounds; machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}");
// One untimed round fills the warm cache repositories and warms the engine's and the runtime's caches.
for (var round = 0; round <= rounds; round++)
{
    foreach (var cache in new[] { "cold", "warm" })
    {
        var repo = cache == "cold" ? $"cold-{round}" : "warm";
        // The order alternates, so neither side always runs right after the other's pushes.
        var order = round % 2 == 0 ? new[] { "plain", "A" } : ["A", "plain"];
        foreach (var side in order)
        {
            var cacheRepo = $"{registry.Host}/{side.ToLowerInvariant()}-{repo}/cache";
            var destination = $"{registry.Host}/{side.ToLowerInvariant()}-{repo}/app:{round}";
            events.Clear();
            var watch = Stopwatch.StartNew();
            if (side == "plain")
                await PlainAsync(cacheRepo, destination);
            else
                await AlternativeAAsync(cacheRepo, destination, round);
            watch.Stop();
            if (round == 0)
                continue;
            Add(results, $"{cache} {side}", watch.Elapsed.TotalSeconds);
            var runs = events.ContainerRuns();
            for (var i = 0; i < runs.Count; i++)
                Add(containers, $"{cache} {side} executor {i + 1}", runs[i]);
            if (round == rounds && side == "A")
                await File.AppendAllTextAsync(profileFile, $"=== {cache} A, round {round}\n{events.Profile()}\n");
            if (round == rounds && side == "plain")
                await File.AppendAllTextAsync(profileFile, $"=== {cache} plain, round {round}\n{events.Profile()}\n");
        }
    }
}

Console.WriteLine($"load average after: {LoadAverage()}");
Console.WriteLine("| cache | plain build+push (median) | A: ScanBuild + ReleaseBuild (median) | A / plain | min–max plain | min–max A |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (var cache in new[] { "cold", "warm" })
{
    var plain = results[$"{cache} plain"];
    var a = results[$"{cache} A"];
    var ratios = plain.Zip(a, (p, x) => x / p).ToList();
    Console.WriteLine($"| {cache} | {Median(plain):0.00} s | {Median(a):0.00} s | {Median(a) / Median(plain):0.00}× (per round median {Median(ratios):0.00}×) | {plain.Min():0.00}–{plain.Max():0.00} | {a.Min():0.00}–{a.Max():0.00} |");
}
Console.WriteLine();
Console.WriteLine("executor containers (median wall time, create to removal):");
foreach (var (key, values) in containers.OrderBy(c => c.Key, StringComparer.Ordinal))
    Console.WriteLine($"  {key}: {Median(values):0.00} s");
Console.WriteLine($"profile of the last round: {profileFile}");
return 0;

async Task PlainAsync(string cacheRepo, string destination)
{
    // What one kaniko build+push of this Dockerfile is, with the flags the pipeline's builds share.
    var request = new KanikoBuildRequest
    {
        Context = KanikoContext.Directory(context),
        Dockerfile = "Dockerfile",
        BuildArgs = [$"BASE_IMAGE={baseImage}"],
        Destinations = [destination],
        Cache = true,
        CacheRepo = cacheRepo,
        CacheCopyLayers = true,
        SkipUnusedStages = true,
    };
    await kaniko.CreateRunner().RunAsync(request, CancellationToken.None);
}

async Task AlternativeAAsync(string cacheRepo, string destination, int round)
{
    var temporary = Path.Combine(work.Path, $"temp-{Guid.NewGuid():N}");
    var options = new PipelineOptions
    {
        Input = new BuildInputOptions
        {
            Context = context,
            Dockerfile = Path.Combine(context, "Dockerfile"),
            BuildArgs = [$"BASE_IMAGE={baseImage}"],
            CacheRepo = ImageReference.Parse(cacheRepo),
            Destinations = [ImageReference.Parse(destination)],
            InstrumentedDockerfile = Path.Combine(temporary, "Dockerfile.scan"),
        },
        Kaniko = kaniko,
        Console = new ConsoleOptions { Url = console.ConsoleUrl, User = consoleUser, Password = password, TwistcliPath = twistcli },
        Verdict = new KanikoBuild.Scanning.VerdictOptions { ReportsDir = Path.Combine(temporary, "reports") },
    };
    var run = new PipelineRun(work.Path, temporary, options);
    await ScanBuildStep.RunAsync(run, CancellationToken.None);
    await ReleaseBuildStep.RunAsync(run, CancellationToken.None);
    var report = await File.ReadAllTextAsync(Path.Combine(temporary, "reports", "release-layers.json"));
    if (!report.Contains("\"identical\": true", StringComparison.Ordinal))
        throw new InvalidOperationException($"round {round}: the released layers are not the scanned ones: {report}");
}

static double Median(IReadOnlyList<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

/// <summary>Every log event of one run, with its time: the executor's containers and its own lines, as they arrived.</summary>
sealed class EventRecorder : ILogEventSink
{
    readonly List<(DateTimeOffset At, string Text)> _events = [];

    public void Emit(LogEvent logEvent)
    {
        lock (_events)
            _events.Add((logEvent.Timestamp, logEvent.RenderMessage(CultureInfo.InvariantCulture)));
    }

    public void Clear()
    {
        lock (_events)
            _events.Clear();
    }

    /// <summary>Seconds from "kaniko: running" to "kaniko: exit code" of each executor container, in order.</summary>
    public IReadOnlyList<double> ContainerRuns()
    {
        lock (_events)
        {
            var runs = new List<double>();
            DateTimeOffset? start = null;
            foreach (var (at, text) in _events)
            {
                if (text.StartsWith("kaniko: running", StringComparison.Ordinal))
                    start = at;
                else if (text.StartsWith("kaniko: exit code", StringComparison.Ordinal) && start is { } s)
                    runs.Add((at - s).TotalSeconds);
            }
            return runs;
        }
    }

    /// <summary>Every line with the seconds since the run's first one and since the line before.</summary>
    public string Profile()
    {
        lock (_events)
        {
            if (_events.Count == 0)
                return string.Empty;
            var first = _events[0].At;
            var previous = first;
            var text = new System.Text.StringBuilder();
            foreach (var (at, line) in _events)
            {
                text.Append(CultureInfo.InvariantCulture, $"{(at - first).TotalSeconds,7:0.000} +{(at - previous).TotalSeconds:0.000}  {(line.Length > 160 ? line[..160] : line)}\n");
                previous = at;
            }
            return text.ToString();
        }
    }
}
