using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Parameters;
using KanikoBuild.Prisma.Twistcli;
using Serilog;

namespace KanikoBuild.Pipeline.Doctor;

/// <summary>
/// The Console: reached, the login accepted, registry results readable (AwaitScan needs it), and twistcli
/// available. Tried once, without the pipeline's patience: Doctor answers in seconds.
/// </summary>
internal static class ConsoleChecks
{
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(PipelineSettings settings, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(settings.ConsoleUrl))
            return [new DoctorCheck("Console", DoctorStatus.NotConfigured, "not configured (--console-url)"), Twistcli(settings, consoleVersion: null, consoleFailed: false)];

        ComputeClientOptions options;
        try
        {
            options = new ComputeClientOptions
            {
                ConsoleUrl = ScanParameters.ParseConsoleUrl(settings.ConsoleUrl, Log.Logger),
                Username = ScanParameters.Require(settings.ConsoleUser, "--console-user", "a Console user (access key ID on SaaS)"),
                Password = ScanParameters.Require(settings.ConsolePassword, "--console-password", "the Console password (secret key on SaaS)"),
                Project = string.IsNullOrWhiteSpace(settings.ConsoleProject) ? null : settings.ConsoleProject,
                CaCertificatePath = string.IsNullOrWhiteSpace(settings.ConsoleCaCert) ? null : Path.GetFullPath(settings.ConsoleCaCert, settings.RootDirectory),
                ReachabilityWindow = TimeSpan.Zero,
                MaxRetries = 1,
                CallTimeout = TimeSpan.FromSeconds(30),
            };
        }
        catch (PipelineException e)
        {
            return [new DoctorCheck("Console", DoctorStatus.Failed, e.Message), Twistcli(settings, null, consoleFailed: true)];
        }

        try
        {
            using var client = new ComputeClient(options, log: Log.Logger);
            var version = await client.GetVersionAsync(ct).ConfigureAwait(false);
            var console = new DoctorCheck("Console", DoctorStatus.Ok, $"{options.ConsoleUrl}: version {version}; {options.Username} authenticates");
            return [console, await RegistryResultsAsync(client, ct).ConfigureAwait(false), Twistcli(settings, version, consoleFailed: false)];
        }
        catch (ComputeApiException e)
        {
            return [new DoctorCheck("Console", DoctorStatus.Failed, $"{Label(e.Problem)}: {e.Message}"), Twistcli(settings, null, consoleFailed: true)];
        }
        catch (PipelineException e)
        {
            return [new DoctorCheck("Console", DoctorStatus.Failed, e.Message), Twistcli(settings, null, consoleFailed: true)];
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

    static DoctorCheck Twistcli(PipelineSettings settings, string? consoleVersion, bool consoleFailed)
    {
        if (!string.IsNullOrWhiteSpace(settings.TwistcliPath))
        {
            try
            {
                return new DoctorCheck("twistcli", DoctorStatus.Ok, $"{TwistcliProvider.UseGiven(settings.TwistcliPath)} is present and executable");
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
            : new DoctorCheck("twistcli", DoctorStatus.NotConfigured, "not configured (--twistcli-path, or a Console to download it from)");
    }
}
