using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace KanikoBuild.Engine.Logging;

/// <summary>
/// <c>.nuke/temp/build.log</c>: every level, one run, in Nuke's file format <c>HH:mm:ss.fff | I | Target | message</c>
/// (<c>nuke.md</c> §1.11). Written by Serilog.Sinks.File; this class only holds what that sink does not do itself.
/// </summary>
internal static class BuildLogFile
{
    /// <summary>The property <see cref="TargetEnricher"/> adds: the running target's name, empty between targets.</summary>
    public const string TargetProperty = "BuildTarget";

    public const string OutputTemplate = "{Timestamp:HH:mm:ss.fff} | {Level:u1} | {" + TargetProperty + ",-20:l} | {Message:l}{NewLine}{Exception}";

    public static MessageTemplateTextFormatter Formatter { get; } = new(OutputTemplate, CultureInfo.InvariantCulture);

    /// <summary>
    /// Empties the file for this run, or says it cannot be written. Serilog.Sinks.File only appends (it opens the file
    /// with <see cref="FileMode.Append"/>, and an append-mode stream cannot be shortened from its open hook), while the
    /// build log holds one run, as Nuke's does. False when another build holds the file (two builds in one checkout)
    /// or it is not writable: the console still has everything then.
    /// </summary>
    public static bool TryStartRun(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
                return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Adds the running target's name to each event, for the file's target column.</summary>
    public sealed class TargetEnricher(Func<string?> currentTarget) : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) =>
            logEvent.AddPropertyIfAbsent(new LogEventProperty(TargetProperty, new ScalarValue(currentTarget() ?? string.Empty)));
    }
}
