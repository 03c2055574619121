using KanikoBuild.Pipeline;
using Serilog;
using Serilog.Events;

namespace KanikoBuild.Tooling.Doctor;

/// <summary>
/// The preflight of the machine: the Docker engine and the kaniko image (pulled for real when missing), the
/// registries (reached and the login tried), the Console (reached, the login, the role) and twistcli, and the
/// tools the tests use. One line each, and each line true: a peer that cannot be used is never [ok]. A check
/// whose parameters are not given says so instead of failing.
/// </summary>
public static class DoctorCommand
{
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var checks = new List<DoctorCheck>();
        checks.AddRange(await EngineChecks.RunAsync(run, ct).ConfigureAwait(false));
        checks.AddRange(await RegistryChecks.RunAsync(run, ct).ConfigureAwait(false));
        checks.AddRange(await ConsoleChecks.RunAsync(run, ct).ConfigureAwait(false));
        checks.Add(TestPeerChecks.Run(run.RootDirectory));

        foreach (var check in checks)
        {
            var level = check.Status switch
            {
                DoctorStatus.Failed => LogEventLevel.Error,
                DoctorStatus.Warning => LogEventLevel.Warning,
                _ => LogEventLevel.Information,
            };
            Log.Write(level, "{Mark} {Name,-18} {Detail}", Mark(check.Status), check.Name, check.Detail);
        }
        var failed = checks.Where(c => c.Status == DoctorStatus.Failed).ToList();
        if (failed.Count > 0)
            throw new PipelineException($"{failed.Count} check(s) failed: {string.Join("; ", failed.Select(c => c.Name))}.");
        return checks;
    }

    static string Mark(DoctorStatus status) => status switch
    {
        DoctorStatus.Ok => "[ok]  ",
        DoctorStatus.NotConfigured => "[--]  ",
        DoctorStatus.Warning => "[warn]",
        _ => "[FAIL]",
    };
}
