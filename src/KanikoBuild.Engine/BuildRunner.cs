using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using KanikoBuild.Engine.Execution;
using KanikoBuild.Engine.Logging;
using KanikoBuild.Engine.Output;
using KanikoBuild.Engine.Parameters;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace KanikoBuild.Engine;

/// <summary>
/// One run of a build, start to finish: arguments and parameters, logging, help/plan requests, the plan,
/// execution, summary and exit code. Everything it reads comes from the <see cref="EngineContext"/>.
/// </summary>
internal static class BuildRunner
{
    public const int SuccessExitCode = 0;
    public const int FailureExitCode = 1;
    public const int AbortedExitCode = 130;

    public static int Run(EngineContext context, Type buildType, IReadOnlyList<string> defaultTargets, Func<AbsolutePath, Host, NukeBuild> create)
    {
        var declared = ParameterDescriptor.FromBuildType(buildType);
        var booleans = declared.Concat(BuiltInParameters.All)
            .Where(p => (Nullable.GetUnderlyingType(p.Type) ?? p.Type) == typeof(bool))
            .Select(p => NameCase.Normalize(p.Name))
            .ToHashSet(StringComparer.Ordinal);
        var arguments = ParsedArguments.Parse(context.Arguments, booleans);
        var errors = new List<string>();

        var root = FindRoot(arguments, context.WorkingDirectory, errors);
        var file = ParametersFile.Empty(".nuke/parameters.json");
        if (root is not null)
        {
            try
            {
                file = LoadParametersFile(root);
            }
            catch (PipelineException e)
            {
                errors.Add(e.Message);
            }
        }
        var service = new ParameterService(arguments, context.Environment, file, context.WorkingDirectory, root ?? context.WorkingDirectory);
        var verbosity = Resolve<Verbosity?>(service, BuiltInParameters.Verbosity, errors) ?? Verbosity.Normal;
        var noLogo = Resolve<bool?>(service, BuiltInParameters.NoLogo, errors) ?? false;
        var host = Resolve<Host?>(service, BuiltInParameters.Host, errors) ?? HostDetection.Detect(context.Environment);

        ExecutableTarget? current = null;
        var colors = context.Colors ?? (!context.Environment.ContainsKey("NO_COLOR")
            && (host is Host.GitHubActions or Host.GitLab || (ReferenceEquals(context.Console, Console.Out) && !Console.IsOutputRedirected)));
        var warnings = new WarningCollector(() => current?.Name);
        using var logger = EngineLogging.Create(context.Console, EngineLogging.ConsoleLevel(verbosity), colors,
            root is null ? null : Path.Combine(root, ".nuke", "temp", "build.log"), () => current?.Name, warnings);
        var previousLogger = Log.Logger;
        Log.Logger = logger;
        var raw = logger.ForContext(ConsoleSink.RawProperty, true);
        var showStackTraces = verbosity == Verbosity.Verbose;
        try
        {
            if (!noLogo)
                WriteLogo(raw, logger);
            if (errors.Count > 0 || root is null)
                return Fail(logger, errors);

            var parameters = declared.Concat(BuiltInParameters.All).ToList();
            var build = create(root, host);
            build.Verbosity = verbosity;
            // Values that do not convert are reported with the targets' own input checks, all at once, before anything runs.
            var bindingErrors = service.BindAll(build, parameters.Where(p => !p.BuiltIn));
            errors.AddRange(UnknownSwitches(arguments, parameters));
            foreach (var key in file.Keys.Where(k => parameters.All(p => NameCase.Normalize(p.Name) != NameCase.Normalize(k))))
                logger.Warning("{File}: '{Key}' is not a parameter of this build; it is ignored", file.Path, key);
            foreach (var warning in service.Warnings)
                logger.Warning("{Warning}", warning);
            foreach (var secret in parameters.Where(p => p.Secret && file.Get(p.Name) is not null))
                logger.Warning("Secret parameter '{Name}' is set in {File}; pass it through the environment instead, so it stays out of files", secret.Name, file.Path);

            var targets = TargetFactory.Create(build);
            var help = Resolve<bool?>(service, BuiltInParameters.Help, errors) ?? false;
            var plan = Resolve<bool?>(service, BuiltInParameters.Plan, errors) ?? false;
            var skip = Resolve<string[]>(service, BuiltInParameters.Skip, errors);
            var requested = Resolve<string[]>(service, BuiltInParameters.Target, errors) is { Length: > 0 } named ? named : arguments.Positional.ToArray();
            Directory.CreateDirectory(build.TemporaryDirectory);
            WriteSchema(buildType, root, targets, parameters, logger);

            if (help)
            {
                raw.Information("{Help:l}", HelpText.Format(targets, defaultTargets, parameters));
                return SuccessExitCode;
            }
            if (errors.Count > 0)
                return Fail(logger, errors);

            var invoked = requested.Length > 0 ? requested : defaultTargets.ToArray();
            if (invoked.Length == 0)
            {
                raw.Information("{Help:l}", HelpText.Format(targets, defaultTargets, parameters));
                return SuccessExitCode;
            }
            var executionPlan = ExecutionPlanner.Plan(targets, invoked);
            build.InvokedTargets = executionPlan.Where(t => t.Invoked).Select(t => t.Name).ToList();
            build.SetPlan(executionPlan);

            if (plan)
            {
                if (bindingErrors.Count > 0)
                    return Fail(logger, bindingErrors.Select(e => e.Message));
                var mermaid = PlanText.Format(targets, executionPlan);
                var path = build.TemporaryDirectory / "execution-plan.mmd";
                File.WriteAllText(path, mermaid);
                raw.Information("{Plan:l}", mermaid);
                logger.Information("Execution plan: {Order:l}", string.Join(" → ", executionPlan.Select(t => t.Name)));
                logger.Information("Written to {Path:l}", path.Value);
                return SuccessExitCode;
            }

            warnings.Enabled = true;
            var bindingProblems = new InputProblems();
            foreach (var (parameter, message) in bindingErrors)
                bindingProblems.Reject(parameter.ParameterName, message);
            var exitCode = Execute(context, build, targets, executionPlan, skip, parameters, bindingProblems, host, logger, showStackTraces, t => current = t, warnings);
            return exitCode;
        }
        catch (PipelineException e)
        {
            BuildExecutor.LogFailure(logger, null, e, showStackTraces);
            return FailureExitCode;
        }
        catch (Exception e)
        {
            BuildExecutor.LogFailure(logger, null, BuildExecutor.Unwrap(e), showStackTraces: true);
            return FailureExitCode;
        }
        finally
        {
            Log.Logger = previousLogger;
        }
    }

    static int Execute(
        EngineContext context,
        NukeBuild build,
        IReadOnlyList<ExecutableTarget> targets,
        IReadOnlyList<ExecutableTarget> plan,
        string[]? skip,
        IReadOnlyList<ParameterDescriptor> parameters,
        InputProblems bindingProblems,
        Host host,
        Logger logger,
        bool showStackTraces,
        Action<ExecutableTarget?> setCurrent,
        WarningCollector warnings)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        using var assuredCancellation = new CancellationTokenSource();
        using var signals = context.HandleSignals ? new SignalHandlers(cancellation, assuredCancellation, logger) : null;

        var executor = new BuildExecutor(logger, new TargetBlocks(logger, host), showStackTraces)
        {
            OnTargetChanged = (target, ct) =>
            {
                setCurrent(target);
                build.SetCurrentTarget(target, ct);
            },
            ParameterOf = member => parameters.FirstOrDefault(p => p.Is(member))?.ParameterName,
            BindingProblems = bindingProblems,
            InputCheck = build.RunInputCheckAsync,
        };

        var failedBeforeRunning = false;
        try
        {
            SkipMarker.ApplySkipParameter(targets, plan, skip);
            SkipMarker.ApplyStaticConditions(plan);
            executor.ExecuteAsync(plan, cancellation.Token, assuredCancellation.Token).GetAwaiter().GetResult();
        }
        catch (PipelineException e)
        {
            failedBeforeRunning = true;
            warnings.Enabled = false;
            foreach (var target in plan.Where(t => t.Status == ExecutionStatus.Scheduled))
                target.Status = ExecutionStatus.NotRun;
            BuildExecutor.LogFailure(logger, null, e, showStackTraces);
        }

        warnings.Enabled = false;
        WriteErrorsAndWarnings(logger, warnings);
        var outcome = SummaryTable.Outcome(plan, failedBeforeRunning);
        SummaryTable.Write(logger, plan, outcome, DateTimeOffset.Now);
        BuildOutput.WriteFinalLines(logger);
        return outcome switch
        {
            BuildOutcome.Succeeded => SuccessExitCode,
            BuildOutcome.Aborted => AbortedExitCode,
            _ => FailureExitCode,
        };
    }

    static void WriteErrorsAndWarnings(ILogger logger, WarningCollector warnings)
    {
        var entries = warnings.Entries;
        if (entries.Count == 0)
            return;
        logger.Information(string.Empty);
        logger.Information("Repeating warnings and errors:");
        foreach (var entry in entries)
        {
            var repeated = entry.Count > 1 && entry.Level < LogEventLevel.Error ? $" ({entry.Count.ToString(CultureInfo.InvariantCulture)} times)" : string.Empty;
            logger.Write(entry.Level, "{Prefix:l}{Message:l}{Repeated:l}", entry.Target is null ? string.Empty : entry.Target + ": ", entry.Message, repeated);
        }
    }

    static T? Resolve<T>(ParameterService service, ParameterDescriptor parameter, List<string> errors)
    {
        try
        {
            return service.Resolve(parameter) is { } resolved ? (T?)resolved.Value : default;
        }
        catch (PipelineException e)
        {
            errors.Add(e.Message);
            return default;
        }
    }

    static int Fail(ILogger logger, IEnumerable<string> errors)
    {
        foreach (var error in errors.Distinct())
            logger.Error("{Message}", error);
        return FailureExitCode;
    }

    /// <summary><c>--root [path]</c>, else the nearest directory up from the working directory that holds <c>.nuke</c>.</summary>
    internal static AbsolutePath? FindRoot(ParsedArguments arguments, string workingDirectory, List<string> errors)
    {
        if (arguments.Get(BuiltInParameters.Root.Name) is { } values)
        {
            var path = AbsolutePath.Create(Path.Combine(workingDirectory, values.Count > 0 ? values[0] : "."));
            if (Directory.Exists(path))
                return path;
            errors.Add($"--root '{path}' does not exist.");
            return null;
        }
        for (var directory = new DirectoryInfo(workingDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, ".nuke")) || File.Exists(Path.Combine(directory.FullName, ".nuke")))
                return AbsolutePath.Create(directory.FullName);
        }
        errors.Add($"Could not locate the root directory: no '.nuke' directory in '{workingDirectory}' or above it. Create one there, or pass --root [path].");
        return null;
    }

    static ParametersFile LoadParametersFile(AbsolutePath root)
    {
        var path = root / ".nuke" / "parameters.json";
        if (!File.Exists(path) && Directory.Exists(root / ".nuke"))
            File.WriteAllText(path, "{\n  \"$schema\": \"./build.schema.json\"\n}\n");
        var file = ParametersFile.Load(path);
        return file;
    }

    static IEnumerable<string> UnknownSwitches(ParsedArguments arguments, IReadOnlyList<ParameterDescriptor> parameters)
    {
        var known = parameters.Select(p => NameCase.Normalize(p.Name)).ToHashSet(StringComparer.Ordinal);
        return arguments.Switches
            .Where(s => !known.Contains(s.Key))
            .Select(s => $"Unknown argument '{s.Switch}'; run --help to list the parameters.");
    }

    static void WriteSchema(Type buildType, AbsolutePath root, IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters, ILogger logger)
    {
        try
        {
            // Deterministic builds give an MVID per content: same assemblies, same schema.
            var stamp = $"{buildType.Assembly.ManifestModule.ModuleVersionId}+{typeof(BuildRunner).Assembly.ManifestModule.ModuleVersionId}";
            var path = root / ".nuke" / "build.schema.json";
            if (SchemaWriter.WriteIfChanged(path, root / ".nuke" / "temp" / "build.schema.stamp", stamp, () => SchemaWriter.Generate(targets, parameters)))
                logger.Debug("Updated {Path:l}", path.Value);
        }
        catch (IOException e)
        {
            logger.Debug("Could not write the build schema: {Message}", e.Message);
        }
    }

    static void WriteLogo(ILogger raw, ILogger logger)
    {
        raw.Information("  _  __          _ _         ___      _ _    _ ");
        raw.Information(" | |/ /__ _ _ _ (_) |_____  | _ )_  _(_) |__| |");
        raw.Information(" | ' </ _` | ' \\| | / / _ \\ | _ \\ || | | / _` |");
        raw.Information(" |_|\\_\\__,_|_||_|_|_\\_\\___/ |___/\\_,_|_|_\\__,_|");
        raw.Information(string.Empty);
        logger.Information("KanikoBuild execution engine version {Version:l}", typeof(BuildRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");
    }

    /// <summary>
    /// Ctrl-C (and SIGTERM from a CI runner) aborts the running target and leaves the scheduled ones unrun;
    /// assured targets still run. A second Ctrl-C stops them too.
    /// </summary>
    sealed class SignalHandlers : IDisposable
    {
        readonly CancellationTokenSource _cancellation;
        readonly CancellationTokenSource _assured;
        readonly ILogger _log;
        readonly PosixSignalRegistration? _sigterm;

        public SignalHandlers(CancellationTokenSource cancellation, CancellationTokenSource assured, ILogger log)
        {
            _cancellation = cancellation;
            _assured = assured;
            _log = log;
            Console.CancelKeyPress += OnCancelKeyPress;
            if (!OperatingSystem.IsWindows())
                _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
                {
                    context.Cancel = true;
                    Cancel("SIGTERM");
                });
        }

        void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
        {
            // A third Ctrl-C ends the process at once, whatever still runs.
            e.Cancel = !_assured.IsCancellationRequested;
            Cancel("Ctrl-C");
        }

        void Cancel(string what)
        {
            if (!_cancellation.IsCancellationRequested)
            {
                _log.Warning("{What}: aborting the running target; press Ctrl-C again to stop the cleanup targets too", what);
                _cancellation.Cancel();
            }
            else if (!_assured.IsCancellationRequested)
            {
                _log.Warning("{What}: stopping", what);
                _assured.Cancel();
            }
        }

        public void Dispose()
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
            _sigterm?.Dispose();
        }
    }
}
