using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace KanikoBuild.Engine.Logging;

/// <summary>
/// The one place where secrets are masked: every event passes through here before any sink sees it. The
/// message template text, every property value (nested ones too) and the exception are rewritten with
/// <see cref="Secrets.Mask"/>, so whoever logs a registered value (a target, a part in src/, a child
/// process through <see cref="ProcessRunner"/>) shows <c>[REDACTED]</c> on the console and in the log file.
/// </summary>
internal sealed class SecretMaskingSink(ILogEventSink inner) : ILogEventSink, IDisposable
{
    static readonly MessageTemplateParser s_parser = new();

    public void Emit(LogEvent logEvent) => inner.Emit(Mask(logEvent));

    internal static LogEvent Mask(LogEvent logEvent)
    {
        if (Secrets.Values.Count == 0)
            return logEvent;

        var template = logEvent.MessageTemplate;
        var maskedText = Secrets.Mask(template.Text);
        var changed = !ReferenceEquals(maskedText, template.Text) && maskedText != template.Text;
        if (changed)
            template = s_parser.Parse(maskedText);

        var properties = new List<LogEventProperty>(logEvent.Properties.Count);
        foreach (var (name, value) in logEvent.Properties)
        {
            var masked = Mask(value);
            changed |= !ReferenceEquals(masked, value);
            properties.Add(new LogEventProperty(name, masked));
        }

        var exception = logEvent.Exception;
        if (exception is not null && MaskedException.Wrap(exception) is { } wrapped)
        {
            exception = wrapped;
            changed = true;
        }

        return changed
            ? new LogEvent(logEvent.Timestamp, logEvent.Level, exception, template, properties, logEvent.TraceId ?? default, logEvent.SpanId ?? default)
            : logEvent;
    }

    static LogEventPropertyValue Mask(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                var masked = Secrets.Mask(text);
                return masked == text ? value : new ScalarValue(masked);
            case ScalarValue { Value: null or bool or int or long or double or decimal or DateTime or DateTimeOffset or TimeSpan or Guid }:
                return value;
            case ScalarValue scalar:
                // Uri, AbsolutePath and other objects render through ToString.
                var rendered = scalar.Value!.ToString() ?? string.Empty;
                var maskedRendered = Secrets.Mask(rendered);
                return maskedRendered == rendered ? value : new ScalarValue(maskedRendered);
            case SequenceValue sequence:
            {
                var elements = sequence.Elements.Select(Mask).ToList();
                return elements.SequenceEqual(sequence.Elements) ? value : new SequenceValue(elements);
            }
            case StructureValue structure:
            {
                var members = structure.Properties.Select(p => new LogEventProperty(p.Name, Mask(p.Value))).ToList();
                return members.Select(p => p.Value).SequenceEqual(structure.Properties.Select(p => p.Value)) ? value : new StructureValue(members, structure.TypeTag);
            }
            case DictionaryValue dictionary:
            {
                var entries = dictionary.Elements.Select(p => new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue)Mask(p.Key), Mask(p.Value))).ToList();
                var same = entries.Zip(dictionary.Elements).All(z => ReferenceEquals(z.First.Key, z.Second.Key) && ReferenceEquals(z.First.Value, z.Second.Value));
                return same ? value : new DictionaryValue(entries);
            }
            default:
                return value;
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}

/// <summary>Stands in for an exception whose text holds a secret: same type name, masked message and stack text.</summary>
internal sealed class MaskedException : Exception
{
    readonly string _text;

    MaskedException(Exception original, string message, string text) : base(message)
    {
        _text = text;
        OriginalType = original.GetType();
    }

    public Type OriginalType { get; }

    public override string? StackTrace => null;

    public override string ToString() => _text;

    public static MaskedException? Wrap(Exception exception)
    {
        var text = exception.ToString();
        var maskedText = Secrets.Mask(text);
        var maskedMessage = Secrets.Mask(exception.Message);
        return maskedText == text && maskedMessage == exception.Message ? null : new MaskedException(exception, maskedMessage, maskedText);
    }
}
