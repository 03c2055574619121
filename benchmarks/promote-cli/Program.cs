using KanikoBuild;
using KanikoBuild.Registry;
using Serilog;

// Same parameter names as the Promote target; every value goes to PromoteCommand, as the target does.
Log.Logger = new LoggerConfiguration().MinimumLevel.Is(Environment.GetEnvironmentVariable("PROMOTE_DEBUG") is { Length: > 0 } ? Serilog.Events.LogEventLevel.Debug : Serilog.Events.LogEventLevel.Information).WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}").CreateLogger();
if (Log.IsEnabled(Serilog.Events.LogEventLevel.Debug))
    Log.Debug("Main entered {Ms:0} ms after process start", (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds);
var values = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
var flags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
for (var i = 0; i < args.Length; i++)
{
    var name = args[i].TrimStart('-');
    if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
        (values.TryGetValue(name, out var list) ? list : values[name] = []).Add(args[++i]);
    else
        flags.Add(name);
}
string? One(string name) => values.TryGetValue(name, out var list) ? list[^1] : Environment.GetEnvironmentVariable(name.Replace('-', '_').ToUpperInvariant());
IReadOnlyList<string> Many(string name) => values.TryGetValue(name, out var list) ? list.SelectMany(v => v.Split(',')).ToList() : [];

try
{
    var result = await PromoteCommand.RunAsync(new PromoteParameters
    {
        DevRegistry = One("dev-registry"),
        ProdRegistry = One("prod-registry"),
        Image = One("image"),
        Tag = One("tag"),
        PromoteTags = Many("promote-tags"),
        ImageDigest = One("image-digest"),
        DigestFile = Path.Combine(".nuke", "temp", "pushdev", "digest"),
        InsecureRegistries = Many("insecure-registry"),
        DevRegistryUser = One("dev-registry-user"),
        DevRegistryPassword = One("dev-registry-password"),
        ProdRegistryUser = One("prod-registry-user"),
        ProdRegistryPassword = One("prod-registry-password"),
        OverwriteTags = flags.Contains("overwrite-tags"),
        Parallelism = int.TryParse(One("parallelism"), out var p) ? p : 6,
    });
    Console.Out.WriteLine($"uploaded-bytes={result.BytesUploaded} mounted={result.BlobsMounted} uploaded={result.BlobsUploaded} present={result.BlobsAlreadyPresent}");
    return 0;
}
catch (PipelineException e)
{
    Log.Error("{Message}", e.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
