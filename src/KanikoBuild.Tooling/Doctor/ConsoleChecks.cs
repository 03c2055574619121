using KanikoBuild.Pipeline;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Twistcli;
using Serilog;

namespace KanikoBuild.Tooling.Doctor;

/// <summary>
/// The Console: reached, the login accepted, registry results readable (AwaitScan needs it), and twistcli
/// available. Tried once, without the pipeline's patience: Doctor answers in seconds.
/// </summary>
internal static class ConsoleChecks
{
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var settings = run.Options.Console;
        if (settings.Url is null)
            return [new DoctorCheck("Console", DoctorStatus.NotConfigured, $"not configured ({ParameterName.Of<ConsoleOptions>(nameof(ConsoleOptions.Url))})"), Twistcli(run, consoleVersion: null, consoleFailed: false)];

        // The same checks as the pipeline's preflight: a Console Doctor calls fine is one AwaitScan can use.
        var problems = new InputProblems();
        var account = InputChecks.Console(run, InputChecks.ConsoleAddress(run, problems), usesTwistcli: false, problems);
        if (account is null || problems.Any)
            return [new DoctorCheck("Console", DoctorStatus.Failed, string.Join(" ", problems.All)), Twistcli(run, null, consoleFailed: true)];
        var options = account.ToClientOptions() with
        {
            ReachabilityWindow = TimeSpan.Zero,
            MaxRetries = 1,
            CallTimeout = TimeSpan.FromSeconds(30),
        };

        try
        {
            using var client = new ComputeClient(options, log: Log.Logger);
            var version = await client.GetVersionAsync(ct).ConfigureAwait(false);
            var console = new DoctorCheck("Console", DoctorStatus.Ok, $"{options.ConsoleUrl}: version {version}; {options.Username} authenticates");
            return [console, await RegistryResultsAsync(client, ct).ConfigureAwait(false), Twistcli(run, version, consoleFailed: false)];
        }
        catch (ComputeApiException e)
        {
            return [new DoctorCheck("Console", DoctorStatus.Failed, $"{Label(e.Problem)}: {e.Message}"), Twistcli(run, null, consoleFailed: true)];
        }
        catch (PipelineException e)
        {
            return [new DoctorCheck("Console", DoctorStatus.Failed, e.Message), Twistcli(run, null, consoleFailed: true)];
        }
    }

    /// <summary>AwaitScan reads <c>GET /registry</c>; a CI User role cannot (ScanBuild does not need to).</summary>
    static async Task<DoctorCheck> RegistryResultsAsync(ComputeClient client, CancellationToken ct)
    {
        try
        {
            await client.GetRegistryPageAsync(new RegistryQuery(Name: "kanikobuild/doctor:probe"), 0, ct).ConfigureAwait(false);
            return new DoctorCheck("Console role", DoctorStatus.Ok, "may read registry scan results (AwaitScan)");
        }
        catch (ComputeApiException e) when (e.Problem == ConsoleProblem.PermissionDenied)
        {
            return new DoctorCheck("Console role", DoctorStatus.Warning, $"cannot read registry scan results: AwaitScan will fail, ScanBuild does not need them. {e.Message}");
        }
    }

    static string Label(ConsoleProblem problem) => problem switch
    {
        ConsoleProblem.ConnectionRefused => "connection refused",
        ConsoleProblem.Dns => "DNS",
        ConsoleProblem.Tls => "TLS",
        ConsoleProblem.Timeout => "no answer",
        ConsoleProblem.Unreachable => "unreachable",
        ConsoleProblem.CredentialsRefused => "login refused",
        ConsoleProblem.PermissionDenied => "permission",
        ConsoleProblem.NotFound => "wrong URL",
        ConsoleProblem.ServerError => "Console error",
        _ => "failed",
    };

    static DoctorCheck Twistcli(PipelineRun run, string? consoleVersion, bool consoleFailed)
    {
        if (run.Options.Console.TwistcliPath is { Length: > 0 } path && !string.IsNullOrWhiteSpace(path))
        {
            try
            {
                return new DoctorCheck("twistcli", DoctorStatus.Ok, $"{TwistcliProvider.UseGiven(run.FromRoot(path.Trim()))} is present and executable");
            }
            catch (PipelineException e)
            {
                return new DoctorCheck("twistcli", DoctorStatus.Failed, e.Message);
            }
        }
        if (consoleVersion is not null)
            return new DoctorCheck("twistcli", DoctorStatus.Ok, $"downloadable from the Console (version {consoleVersion}), cached under .nuke/temp/twistcli");
        return consoleFailed
            ? new DoctorCheck("twistcli", DoctorStatus.Failed, "not downloadable: the Console check above failed")
            : new DoctorCheck("twistcli", DoctorStatus.NotConfigured, $"not configured ({ParameterName.Of<ConsoleOptions>(nameof(ConsoleOptions.TwistcliPath))}, or a Console to download it from)");
    }
}
