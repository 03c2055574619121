using System.Diagnostics;
using KanikoBuild.ConsoleSimulator;
using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Waiting;
using KanikoBuild.Registry;
using KanikoBuild.Prisma.Tests.Support;
using Serilog;

// Measures AwaitScan against the Console simulator and a real docker-registry:
//  - requests the waiter sends per wait (authentication and trigger included), and the simulator's count;
//  - the time from the result appearing in the Console (its scanTime) to the waiter returning it.
// Fake-clock runs cover long scans in seconds of real time; one real-clock run checks the fake figures.
const string user = "admin";
// A fresh password per run for the simulator's account: nothing real, but no literal credential either.
var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var quiet = new LoggerConfiguration().MinimumLevel.Warning().WriteTo.Console().CreateLogger();
var realScanSeconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;

await using var registry = await KanikoBuild.Testing.Registry.StartAsync();
Console.WriteLine("| clock | scan takes | waited | noticed after result | polls | client requests | simulator API requests | 429s |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");

foreach (var scan in new[] { 5, 20, 60, 180, 300, 540 })
    await MeasureAsync(TimeSpan.FromSeconds(scan), fake: true);
await MeasureAsync(TimeSpan.FromSeconds(realScanSeconds), fake: false);
return 0;

async Task MeasureAsync(TimeSpan scanDuration, bool fake)
{
    var clock = new FakeClock();
    TimeProvider time = fake ? clock.Time : TimeProvider.System;
    var options = new SimulatorOptions
    {
        Users = [new SimulatorUser(user, password, Roles.Admin)],
        ScanDuration = scanDuration,
        TimeProvider = time,
        Log = _ => { },
    };
    await using var simulator = await ConsoleSimulatorHost.StartAsync(options);
    clock.Busy = () => simulator.Control.PullsInProgress > 0;
    var image = await TestImage.PushAsync(registry.Host, $"bench/app-{Guid.NewGuid():N}"[..18], "1", TestImage.Clean);
    var started = time.GetUtcNow();
    var request = new ScanWaitRequest
    {
        DevRegistry = RegistrySpec.Parse(registry.Host), Repository = image.Repository, Tag = image.Tag,
        ManifestDigest = Digest.Parse(image.ManifestDigest), ConfigDigest = Digest.Parse(image.ConfigDigest), PushedAt = started,
        Timeout = TimeSpan.FromSeconds(900),
    };
    var console = new ComputeClientOptions { ConsoleUrl = simulator.ConsoleUrl, Username = user, Password = password };
    var real = Stopwatch.StartNew();
    var work = AwaitScanCommand.WaitAsync(request, console, CancellationToken.None, time, quiet, fake ? clock.Transport : null);
    var result = fake ? await clock.RunAsync(work, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)) : await work;
    var noticed = started + result.Waited - result.Entry.ScanTime!.Value;
    var api = simulator.Control.Requests.Count(r => r.Path.StartsWith("/api/", StringComparison.Ordinal));
    var throttled = simulator.Control.Requests.Count(r => r.Status == 429);
    Console.WriteLine($"| {(fake ? "fake" : "real")} | {scanDuration.TotalSeconds:0} s | {result.Waited.TotalSeconds:0.0} s | {noticed.TotalSeconds:0.00} s | {result.Polls} | {result.Requests} | {api} | {throttled} |" +
        (fake ? string.Empty : $" (real {real.Elapsed.TotalSeconds:0.0} s)"));
}
