using System.Linq.Expressions;
using KanikoBuild.Engine.Execution;

namespace KanikoBuild.Engine;

/// <summary>
/// Base class of a build: targets are <see cref="Target"/> properties, parameters are members with
/// <see cref="ParameterAttribute"/>. <c>public static int Main() => Execute&lt;Build&gt;(x => x.Compile);</c>
/// </summary>
public abstract class NukeBuild
{
    // Set before the build object is constructed, so field initializers can use RootDirectory and the host.
    [ThreadStatic] static AbsolutePath? t_pendingRoot;
    [ThreadStatic] static Host? t_pendingHost;

    protected NukeBuild()
    {
        RootDirectory = t_pendingRoot ?? AbsolutePath.Create(Directory.GetCurrentDirectory());
        Host = t_pendingHost ?? HostDetection.Detect(EnvironmentSnapshot.Current());
    }

    /// <summary>The directory holding <c>.nuke/</c> (or <c>--root</c>).</summary>
    public AbsolutePath RootDirectory { get; internal set; }

    /// <summary><c>.nuke/temp</c>: git-ignored scratch space; created at start.</summary>
    public AbsolutePath TemporaryDirectory => RootDirectory / ".nuke" / "temp";

    /// <summary>Cancelled on Ctrl-C (or SIGTERM) while a target runs; pass it to everything that waits.</summary>
    public CancellationToken CancellationToken { get; internal set; }

    /// <summary>The CI system (or terminal) running the build; <c>--host</c> overrides the detection.</summary>
    public Host Host { get; internal set; }

    public bool IsServerBuild => Host != Host.Terminal;
    public bool IsLocalBuild => !IsServerBuild;
    public bool IsGitHubActions => Host == Host.GitHubActions;
    public bool IsGitLab => Host == Host.GitLab;

    public Verbosity Verbosity { get; internal set; } = Verbosity.Normal;

    /// <summary>The targets named on the command line, or the default ones.</summary>
    public IReadOnlyList<string> InvokedTargets { get; internal set; } = [];

    /// <summary>
    /// The targets of this run that are still to finish: the one running now and those scheduled after it (not
    /// the skipped ones). A target can check the inputs of everything still to come before it starts work.
    /// </summary>
    public IReadOnlyList<string> ScheduledTargets =>
        _plan.Where(t => t.Status is ExecutionStatus.Scheduled or ExecutionStatus.Running).Select(t => t.Name).ToList();

    IReadOnlyList<ExecutableTarget> _plan = [];

    internal void SetPlan(IReadOnlyList<ExecutableTarget> plan) => _plan = plan;

    /// <summary>The target running now, or null between targets.</summary>
    public string? CurrentTarget => _current?.Name;

    ExecutableTarget? _current;

    internal void SetCurrentTarget(ExecutableTarget? target, CancellationToken ct)
    {
        _current = target;
        CancellationToken = ct;
    }

    /// <summary>
    /// Checks the inputs of the targets about to run (<see cref="ScheduledTargets"/>) before the first one starts:
    /// what only the build can check (files, one value against another). <paramref name="problems"/> already holds
    /// what the engine found (values that did not convert, required parameters that are missing); everything is
    /// reported together and nothing runs when anything is wrong.
    /// </summary>
    protected virtual Task CheckInputsAsync(InputProblems problems, CancellationToken ct) => Task.CompletedTask;

    internal Task RunInputCheckAsync(InputProblems problems, CancellationToken ct) => CheckInputsAsync(problems, ct);

    /// <summary>Adds a <c>key: value</c> pair to the running target's line in the summary table (e.g. <c>Digest: sha256:…</c>).</summary>
    public void ReportSummary(string key, string value)
    {
        if (_current is null)
            throw new InvalidOperationException("ReportSummary is only available while a target runs.");
        _current.SummaryInformation[key] = Secrets.Mask(value);
    }

    /// <summary>Runs the build with the process's arguments and environment; returns the exit code (0 on success).</summary>
    /// <param name="defaultTargets">What runs when no target is named.</param>
    public static int Execute<T>(params Expression<Func<T, Target>>[] defaultTargets) where T : NukeBuild, new() =>
        Execute(EngineContext.FromProcess(), defaultTargets);

    internal static int Execute<T>(EngineContext context, params Expression<Func<T, Target>>[] defaultTargets) where T : NukeBuild, new()
    {
        var names = defaultTargets.Select(e => e.Body is MemberExpression member
            ? member.Member.Name
            : throw new ArgumentException($"A default target must be a target property (x => x.Name), not '{e.Body}'.")).ToList();
        return BuildRunner.Run(context, typeof(T), names, (root, host) =>
        {
            t_pendingRoot = root;
            t_pendingHost = host;
            try
            {
                return new T();
            }
            finally
            {
                t_pendingRoot = null;
                t_pendingHost = null;
            }
        });
    }
}
