using KanikoBuild;
using KanikoBuild.Registry;
using Serilog;

// Same parameter names as the Promote target; the values go to PromoteCommand typed, as the Promote step hands them over.
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
    // The values the Promote target's preflight would hand over, typed; the digest as PushDev recorded it otherwise.
    var digest = One("image-digest") ?? File.ReadAllText(Path.Combine(".nuke", "temp", "pushdev", "digest"));
    var tags = new[] { One("tag") }.Concat(Many("promote-tags")).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim()).ToList();
    var logins = new RegistryLogins(new RegistryOptions
    {
        Dev = RegistrySpec.Parse(One("dev-registry")), Prod = RegistrySpec.Parse(One("prod-registry")),
        DevUser = One("dev-registry-user"), DevPassword = One("dev-registry-password"),
        ProdUser = One("prod-registry-user"), ProdPassword = One("prod-registry-password"),
        Insecure = Many("insecure-registry").Select(r => RegistrySpec.Parse(r)).ToArray(),
    });
    var result = await PromoteCommand.RunAsync(
        new PromoteRequest(RegistrySpec.Parse(One("dev-registry")), RegistrySpec.Parse(One("prod-registry")), One("image") ?? "", Digest.Parse(digest, "--image-digest"))
        {
            Tags = tags,
            OverwriteTags = flags.Contains("overwrite-tags"),
            Parallelism = int.TryParse(One("parallelism"), out var p) ? p : 6,
        },
        logins);
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
