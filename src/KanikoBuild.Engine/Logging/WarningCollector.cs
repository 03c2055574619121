using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace KanikoBuild.Engine.Logging;

/// <summary>One line of the recap: a warning or error, how often it was logged, and the last time's text.</summary>
internal sealed record RecapEntry(LogEventLevel Level, string? Target, string Message, int Count);

/// <summary>
/// Keeps the warnings and errors logged while targets run, so the end of the log repeats them
/// (Nuke's "Errors &amp; Warnings" block): on CI they would otherwise hide inside collapsed groups.
/// Sits behind the masking sink, so what it keeps is already masked.
/// <para>
/// A recap lists each problem once. Two events are the same problem when they have the same level, target and
/// text once numbers and times are left out: a retry loop's "retry 3 of 6 in 2.4 s" is one warning with a
/// count, not six lines. The entry keeps the last occurrence's text (the newest state). Errors with the same
/// text are one failure reported by two parts (the verdict report and the target's failure), so they are
/// listed once without a count.
/// </para>
/// </summary>
internal sealed class WarningCollector(Func<string?> currentTarget) : ILogEventSink
{
    static readonly MessageTemplateTextFormatter s_message = new("{Message:l}");
    readonly object _gate = new();
    readonly List<string> _order = [];
    readonly Dictionary<string, RecapEntry> _entries = new(StringComparer.Ordinal);

    public bool Enabled { get; set; }

    /// <summary>In the order each problem was first logged.</summary>
    public IReadOnlyList<RecapEntry> Entries
    {
        get
        {
            lock (_gate)
                return _order.Select(k => _entries[k]).ToList();
        }
    }

    public void Emit(LogEvent logEvent)
    {
        if (!Enabled || logEvent.Level < LogEventLevel.Warning || logEvent.Properties.ContainsKey(ConsoleSink.RawProperty))
            return;
        var message = new StringWriter(CultureInfo.InvariantCulture);
        s_message.Format(logEvent, message);
        var target = currentTarget();
        // Errors group under Error whatever their level above it, so a Fatal and an Error of one text are one line.
        var key = $"{(logEvent.Level >= LogEventLevel.Error ? "E" : "W")}|{target}|{Identity(logEvent)}";
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var seen))
            {
                _entries[key] = seen with { Message = message.ToString(), Count = seen.Count + 1 };
                return;
            }
            _order.Add(key);
            _entries[key] = new RecapEntry(logEvent.Level, target, message.ToString(), 1);
        }
    }

    /// <summary>The message with every number, duration and time left out: what stays the same when it repeats.</summary>
    static string Identity(LogEvent logEvent)
    {
        var text = new StringBuilder();
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value))
            {
                if (value is ScalarValue { Value: sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal or TimeSpan or DateTime or DateTimeOffset })
                    text.Append('#');
                else
                    text.Append(value is ScalarValue { Value: string s } ? s : value.ToString());
            }
            else
            {
                text.Append(token is TextToken literal ? literal.Text : token.ToString());
            }
        }
        return text.ToString();
    }
}
