using System.Globalization;
using KanikoBuild.Engine.Execution;
using Serilog;
using Serilog.Events;

namespace KanikoBuild.Engine.Output;

/// <summary>The table printed at the end (Nuke's layout): target, status, duration, and what happened, then the outcome line.</summary>
internal static class SummaryTable
{
    public sealed record Line(LogEventLevel Level, string Text);

    public static IReadOnlyList<Line> Format(IReadOnlyList<ExecutableTarget> plan)
    {
        var shown = plan.Where(t => t.Status != ExecutionStatus.Collective).ToList();
        var first = Math.Max(shown.Select(t => t.Name.Length).DefaultIfEmpty(0).Max() + 4, 19);
        const int second = 10, third = 10;
        var rule = first + second + third;
        var lines = new List<Line>
        {
            new(LogEventLevel.Information, new string('═', rule)),
            new(LogEventLevel.Information, $"{"Target".PadRight(first)}{"Status".PadRight(second)}{"Duration".PadLeft(third)}"),
            new(LogEventLevel.Information, new string('─', rule)),
        };
        foreach (var target in shown)
        {
            var duration = target.Status is ExecutionStatus.Skipped or ExecutionStatus.NotRun or ExecutionStatus.Scheduled ? string.Empty : FormatDuration(target.Duration);
            var text = $"{target.Name.PadRight(first)}{target.Status.ToString().PadRight(second)}{duration.PadLeft(third)}";
            if (target.SummaryInformation.Count > 0)
                text += "   // " + string.Join(", ", target.SummaryInformation.Select(p => $"{p.Key}: {p.Value}"));
            lines.Add(new(LevelOf(target.Status), text));
        }
        var total = new TimeSpan(shown.Sum(t => t.Duration.Ticks));
        lines.Add(new(LogEventLevel.Information, new string('─', rule)));
        lines.Add(new(LogEventLevel.Information, $"{"Total".PadRight(first)}{string.Empty.PadRight(second)}{FormatDuration(total).PadLeft(third)}"));
        lines.Add(new(LogEventLevel.Information, new string('═', rule)));
        return lines;
    }

    public static string FormatDuration(TimeSpan duration)
    {
        var minutes = (int)duration.TotalMinutes;
        var seconds = duration.Seconds;
        return minutes == 0 && seconds == 0 ? "< 1sec" : $"{minutes}:{seconds:00}";
    }

    static LogEventLevel LevelOf(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Failed => LogEventLevel.Error,
        ExecutionStatus.Aborted or ExecutionStatus.NotRun => LogEventLevel.Warning,
        // Skipped too: a skipped target belongs in the summary at the default verbosity, which hides Debug.
        _ => LogEventLevel.Information,
    };

    public static BuildOutcome Outcome(IReadOnlyList<ExecutableTarget> plan, bool failedBeforeRunning)
    {
        if (plan.Any(t => t.Status == ExecutionStatus.Aborted))
            return BuildOutcome.Aborted;
        return failedBeforeRunning || plan.Any(t => t.Status is ExecutionStatus.Failed or ExecutionStatus.NotRun or ExecutionStatus.Aborted)
            ? BuildOutcome.Failed
            : BuildOutcome.Succeeded;
    }

    public static string OutcomeLine(BuildOutcome outcome, DateTimeOffset at)
    {
        var when = at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return outcome switch
        {
            BuildOutcome.Succeeded => $"Build succeeded on {when}. ＼（＾ᴗ＾）／",
            BuildOutcome.Aborted => $"Build aborted on {when}. (ノಠ益ಠ)ノ",
            _ => $"Build failed on {when}. (╯°□°）╯︵ ┻━┻",
        };
    }

    public static void Write(ILogger log, IReadOnlyList<ExecutableTarget> plan, BuildOutcome outcome, DateTimeOffset at)
    {
        log.Information(string.Empty);
        foreach (var line in Format(plan))
            log.Write(line.Level, "{Line:l}", line.Text);
        log.Information(string.Empty);
        log.Write(outcome == BuildOutcome.Succeeded ? LogEventLevel.Information : LogEventLevel.Error, "{Outcome:l}", OutcomeLine(outcome, at));
    }
}

internal enum BuildOutcome
{
    Succeeded,
    Failed,
    Aborted,
}
