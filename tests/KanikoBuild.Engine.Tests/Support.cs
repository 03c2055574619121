using KanikoBuild.Engine.Execution;
using KanikoBuild.Engine.Logging;
using KanikoBuild.Engine.Output;
using KanikoBuild.Testing;
using Serilog.Core;
using Serilog.Events;

namespace KanikoBuild.Engine.Tests;

/// <summary>Tests that replace the static <c>Log.Logger</c> (the real entry point, ProcessRunner) cannot run side by side.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StaticLoggerCollection
{
    public const string Name = "static logger";
}

/// <summary>A logger writing the engine's console format into a string, through the real masking pipeline.</summary>
internal sealed class CapturedLog : IDisposable
{
    readonly StringWriter _writer = new();

    public CapturedLog(LogEventLevel level = LogEventLevel.Verbose, string? file = null)
    {
        Logger = EngineLogging.Create(TextWriter.Synchronized(_writer), level, colors: false, file);
    }

    public Logger Logger { get; }

    public string Text => _writer.ToString();

    public void Dispose() => Logger.Dispose();
}

internal static class Run
{
    /// <summary>Plans <paramref name="invoked"/> on <paramref name="build"/>, applies --skip and static conditions, and executes.</summary>
    public static async Task<IReadOnlyList<ExecutableTarget>> PlanAndExecute(
        NukeBuild build, string[] invoked, string[]? skip = null, CancellationToken ct = default, CancellationToken assuredCt = default, CapturedLog? log = null)
    {
        using var own = log is null ? new CapturedLog() : null;
        var logger = (log ?? own!).Logger;
        var targets = TargetFactory.Create(build);
        var plan = ExecutionPlanner.Plan(targets, invoked);
        SkipMarker.ApplySkipParameter(targets, plan, skip);
        SkipMarker.ApplyStaticConditions(plan);
        await new BuildExecutor(logger, new TargetBlocks(logger, Host.Terminal))
        {
            OnTargetChanged = (target, token) => build.SetCurrentTarget(target, token),
        }.ExecuteAsync(plan, ct, assuredCt);
        return plan;
    }

    public static ExecutionStatus StatusOf(this IReadOnlyList<ExecutableTarget> plan, string name) => plan.Single(t => t.Name == name).Status;

    public static ExecutableTarget Get(this IReadOnlyList<ExecutableTarget> plan, string name) => plan.Single(t => t.Name == name);
}

/// <summary>A checkout-like root (a directory with <c>.nuke</c>) and a way to run a build class through the real entry point.</summary>
internal sealed class BuildRoot : IDisposable
{
    readonly TempDirectory _directory = new("kanikobuild-engine-");

    public BuildRoot(string? parametersJson = null)
    {
        Directory.CreateDirectory(_directory.Combine(".nuke"));
        if (parametersJson is not null)
            _directory.Write(".nuke/parameters.json", parametersJson);
    }

    public string Path => _directory.Path;

    public string Combine(params string[] parts) => _directory.Combine(parts);

    public (int ExitCode, string Output) Execute<T>(string[] args, IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellation = default, params System.Linq.Expressions.Expression<Func<T, Target>>[] defaults) where T : NukeBuild, new()
    {
        var console = new StringWriter();
        var context = new EngineContext(args, environment ?? new Dictionary<string, string>(), Path, TextWriter.Synchronized(console))
        {
            Colors = false,
            HandleSignals = false,
            Cancellation = cancellation,
        };
        var exitCode = NukeBuild.Execute(context, defaults);
        return (exitCode, console.ToString());
    }

    public void Dispose() => _directory.Dispose();
}
