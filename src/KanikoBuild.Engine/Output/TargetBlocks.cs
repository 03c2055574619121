using Serilog;

namespace KanikoBuild.Engine.Output;

/// <summary>
/// Frames each target's output: Nuke's ╬═ header in a terminal, a collapsible group on GitHub Actions
/// (<c>::group::</c>) and a collapsed section on GitLab CI (<c>section_start</c>/<c>section_end</c>).
/// </summary>
internal sealed class TargetBlocks(ILogger log, Host host, TimeProvider? time = null)
{
    readonly ILogger _raw = log.ForContext(Logging.ConsoleSink.RawProperty, true);
    readonly TimeProvider _time = time ?? TimeProvider.System;

    public void Begin(string target)
    {
        switch (host)
        {
            case Host.GitHubActions:
                _raw.Information("::group::{Target}", target);
                break;
            case Host.GitLab:
                _raw.Information("\u001b[0Ksection_start:{Time}:{Section}[collapsed=true]\r\u001b[0K{Target}", UnixTime(), SectionName(target), target);
                break;
            default:
                _raw.Information(string.Empty);
                _raw.Information("╬{Rule}", new string('═', target.Length + 5));
                _raw.Information("║ {Target}", target);
                _raw.Information("╬{Rule}", new string('═', Math.Max(target.Length - 4, 2)));
                _raw.Information(string.Empty);
                break;
        }
    }

    public void End(string target)
    {
        switch (host)
        {
            case Host.GitHubActions:
                _raw.Information("::endgroup::");
                break;
            case Host.GitLab:
                _raw.Information("\u001b[0Ksection_end:{Time}:{Section}\r\u001b[0K", UnixTime(), SectionName(target));
                break;
        }
    }

    long UnixTime() => _time.GetUtcNow().ToUnixTimeSeconds();

    // GitLab accepts letters, digits, '_', '.' and '-' in section names.
    internal static string SectionName(string target) =>
        "target_" + new string(target.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? char.ToLowerInvariant(c) : '_').ToArray());
}
