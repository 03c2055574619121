namespace KanikoBuild.Scanning;

/// <summary>Applies a <c>--fail-on critical=0,high=5</c> text to limits (<see cref="FailOnLimits"/> parses it).</summary>
public static class FailOnParser
{
    public static SeverityLimits Apply(string text, SeverityLimits limits)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FailOnLimits.Parse(text).ApplyTo(limits);
    }
}
