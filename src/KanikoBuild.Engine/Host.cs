namespace KanikoBuild.Engine;

/// <summary>Where the build runs; decides how target blocks are shown (plain, GitHub groups, GitLab sections).</summary>
public enum Host
{
    Terminal,
    GitHubActions,
    GitLab,
    AzurePipelines,
    TeamCity,
    Jenkins,
    Bitbucket,
    AppVeyor,
    TravisCI,
    /// <summary>Any other CI that sets <c>CI=true</c>.</summary>
    GenericCi,
}

internal static class HostDetection
{
    // Order matters only when several are set (a runner inside a runner); the first wins, as in Nuke.
    static readonly (string Variable, Host Host)[] s_variables =
    [
        ("GITHUB_ACTIONS", Host.GitHubActions),
        ("GITLAB_CI", Host.GitLab),
        ("TF_BUILD", Host.AzurePipelines),
        ("TEAMCITY_VERSION", Host.TeamCity),
        ("JENKINS_HOME", Host.Jenkins),
        ("BITBUCKET_PIPELINE_UUID", Host.Bitbucket),
        ("APPVEYOR", Host.AppVeyor),
        ("TRAVIS", Host.TravisCI),
    ];

    public static Host Detect(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (variable, host) in s_variables)
        {
            if (environment.TryGetValue(variable, out var value) && value.Length > 0 && !value.Equals("false", StringComparison.OrdinalIgnoreCase))
                return host;
        }
        return environment.TryGetValue("CI", out var ci) && ci.Length > 0 && !ci.Equals("false", StringComparison.OrdinalIgnoreCase)
            ? Host.GenericCi
            : Host.Terminal;
    }
}
