using System.Diagnostics;
using System.Reflection;
using KanikoBuild.Engine.Output;
using Serilog;

namespace KanikoBuild.Engine.Execution;

/// <summary>
/// Runs a plan: checks the inputs first (values that did not convert, requirements, then the build's own checks,
/// all reported together; nothing runs when one fails), then each scheduled target in order. A failure stops the build unless the target proceeds after failure; targets that depend on a
/// failed one do not run; assured targets run even after a failure or Ctrl-C.
/// </summary>
internal sealed class BuildExecutor(ILogger log, TargetBlocks blocks, bool showStackTraces = false)
{
    /// <summary>Called with the target about to run (null after it ran), so the build can expose its token and summary.</summary>
    public Action<ExecutableTarget?, CancellationToken>? OnTargetChanged { get; init; }

    /// <summary>The parameter a requirement's member is (<c>() =&gt; Console.Url</c> is <c>ConsoleUrl</c>), or null for another member.</summary>
    public Func<MemberInfo, ParameterName?>? ParameterOf { get; init; }

    /// <summary>What the engine found wrong while binding the parameters; reported with the requirements and the build's checks.</summary>
    public InputProblems? BindingProblems { get; init; }

    /// <summary>The build's own checks of the scheduled targets' inputs (files, cross-field rules), run before anything else.</summary>
    public Func<InputProblems, CancellationToken, Task>? InputCheck { get; init; }

    /// <param name="ct">Ctrl-C: the running target is aborted, the scheduled ones are not run.</param>
    /// <param name="assuredCt">Cancels the assured targets that still run after Ctrl-C (a second Ctrl-C).</param>
    public async Task ExecuteAsync(IReadOnlyList<ExecutableTarget> plan, CancellationToken ct, CancellationToken assuredCt = default)
    {
        await CheckInputsAsync(plan, ct).ConfigureAwait(false);

        var stop = false;
        foreach (var target in plan)
        {
            if (target.Status != ExecutionStatus.Scheduled)
                continue;
            stop |= ct.IsCancellationRequested;
            if (stop && !target.Definition.IsAssuredAfterFailure)
            {
                target.Status = ExecutionStatus.NotRun;
                continue;
            }
            if (!stop && target.ExecutionDependencies.FirstOrDefault(d => d.Status is ExecutionStatus.Failed or ExecutionStatus.Aborted or ExecutionStatus.NotRun) is { } broken)
            {
                target.Status = ExecutionStatus.NotRun;
                target.SummaryInformation["NotRun"] = $"'{broken.Name}' {broken.Status.ToString().ToLowerInvariant()}";
                continue;
            }

            await RunAsync(plan, target, stop ? assuredCt : ct).ConfigureAwait(false);
            if (target.Status == ExecutionStatus.Aborted || (target.Status == ExecutionStatus.Failed && !target.Definition.ProceedsAfterFailure))
                stop = true;
        }
    }

    async Task RunAsync(IReadOnlyList<ExecutableTarget> plan, ExecutableTarget target, CancellationToken ct)
    {
        blocks.Begin(target.Name);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            if (Conditions.FirstFalse(target, target.Definition.DynamicConditions) is { } condition)
            {
                // Dependencies already ran by now, so a dynamic skip cascades to nothing.
                target.Status = ExecutionStatus.Skipped;
                target.SkipReason = $"OnlyWhen: {condition}";
                target.SummaryInformation["OnlyWhen"] = condition;
                log.Information("Skipping target {Target}: {Condition} is false", target.Name, condition);
                return;
            }

            target.Status = ExecutionStatus.Running;
            OnTargetChanged?.Invoke(target, ct);
            foreach (var action in target.Definition.Actions)
            {
                ct.ThrowIfCancellationRequested();
                await action(ct).ConfigureAwait(false);
            }
            target.Status = ExecutionStatus.Succeeded;
        }
        catch (Exception caught)
        {
            var e = Unwrap(caught);
            target.Failure = e;
            if (e is OperationCanceledException && ct.IsCancellationRequested)
            {
                target.Status = ExecutionStatus.Aborted;
                log.Warning("Target {Target} was aborted", target.Name);
            }
            else
            {
                target.Status = ExecutionStatus.Failed;
                target.SummaryInformation[FailureKey(e)] = FirstLine(e.Message);
                LogFailure(log, target.Name, e, showStackTraces);
            }
        }
        finally
        {
            target.Duration = stopwatch.Elapsed;
            OnTargetChanged?.Invoke(null, CancellationToken.None);
            blocks.End(target.Name);
        }
    }

    /// <summary>
    /// Everything wrong with the inputs of the scheduled targets, found before anything runs and reported at once:
    /// values that did not convert, missing requirements, and what the build's own check finds (a problem of a
    /// parameter already rejected above is not repeated).
    /// </summary>
    async Task CheckInputsAsync(IReadOnlyList<ExecutableTarget> plan, CancellationToken ct)
    {
        var problems = BindingProblems ?? new InputProblems();
        foreach (var target in plan.Where(t => t.Status is ExecutionStatus.Scheduled or ExecutionStatus.Collective))
        {
            foreach (var requirement in target.Definition.RequiredParameters)
            {
                if (!IsMissing(Conditions.Evaluate(target, requirement)))
                    continue;
                var member = ExpressionText.Member(requirement);
                if (member is null)
                    problems.Add($"Target '{target.Name}' requires '{ExpressionText.Render(requirement)}' to be set.");
                else if (ParameterOf?.Invoke(member) is { } parameter)
                    problems.Reject(parameter, $"Target '{target.Name}' requires member '{parameter.Name}'; {parameter.Hint}.");
                else
                    problems.Add($"Target '{target.Name}' requires member '{member.Name}'.");
            }
            foreach (var requirement in target.Definition.Requirements)
            {
                if (!Conditions.Evaluate(target, requirement))
                    problems.Add($"Target '{target.Name}' requires '{ExpressionText.Render(requirement)}'.");
            }
        }
        if (InputCheck is not null)
        {
            try
            {
                await InputCheck(problems, ct).ConfigureAwait(false);
            }
            catch (PipelineException e)
            {
                problems.Add(e.Message);
            }
        }
        problems.ThrowIfAny();
    }

    static bool IsMissing(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        System.Collections.ICollection c => c.Count == 0,
        _ => false,
    };

    internal static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                case AggregateException aggregate when aggregate.InnerExceptions.Count == 1:
                    e = aggregate.InnerExceptions[0];
                    continue;
                default:
                    return e;
            }
        }
    }

    static string FailureKey(Exception e) => e is PipelineException ? "Error" : e.GetType().Name;

    static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    /// <summary>A <see cref="PipelineException"/> is the user's to act on: its message alone; anything else is a bug: message and stack.</summary>
    internal static void LogFailure(ILogger log, string? target, Exception e, bool showStackTraces)
    {
        if (e is PipelineException && !showStackTraces)
            log.Error("{Message}", e.Message);
        else if (target is null)
            log.Error(e, "{Message}", e.Message);
        else
            log.Error(e, "Target {Target} has thrown an exception: {Message}", target, e.Message);
    }
}
