using KanikoBuild.ConsoleSimulator;

// The Prisma Cloud Compute Console simulator as a program (the Sandbox, benchmarks):
//   KanikoBuild.ConsoleSimulator [--scenario scenario.json] [--urls http://127.0.0.1:PORT]
// Control endpoints (/simulator/…) are on. Every line printed is labelled [Console SIMULATOR].
string? scenario = null;
var port = 0;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--scenario" when i + 1 < args.Length:
            scenario = args[++i];
            break;
        case "--urls" when i + 1 < args.Length:
            var url = new Uri(args[++i].Split(';')[0]);
            if (url.Host is not ("127.0.0.1" or "localhost"))
            {
                Console.Error.WriteLine($"{SimulatorLogLabel()} only listens on 127.0.0.1, not {url.Host}");
                return 2;
            }
            port = url.Port;
            break;
        default:
            Console.Error.WriteLine($"{SimulatorLogLabel()} usage: KanikoBuild.ConsoleSimulator [--scenario FILE] [--urls http://127.0.0.1:PORT]");
            return 2;
    }
}

var options = scenario is null ? new SimulatorOptions() : SimulatorJson.LoadScenario(scenario);
options.Port = port != 0 ? port : options.Port;
options.ControlEndpoints = true;
if (options.Users.Count == 0)
{
    Console.Error.WriteLine($"{SimulatorLogLabel()} the scenario defines no users: add \"users\": [{{\"username\":…,\"password\":…,\"role\":\"admin\"}}]");
    return 2;
}

// SIGTERM, SIGINT (Ctrl+C) and SIGQUIT are the host's: its console lifetime stops the application on each. The
// program must wait for exactly that; waiting on a token of its own left it running after SIGTERM, because the
// lifetime takes the signal over (so the runtime does not exit by itself) and no ProcessExit follows.
await using var host = await ConsoleSimulatorHost.StartAsync(options);
Console.Out.WriteLine($"{SimulatorLogLabel()} console URL: {host.ConsoleUrl}");
await host.WaitForShutdownAsync(CancellationToken.None);
Console.Out.WriteLine($"{SimulatorLogLabel()} stopped");
return 0;

static string SimulatorLogLabel() => "[Console SIMULATOR]";
