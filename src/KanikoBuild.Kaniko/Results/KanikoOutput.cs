using System.Text.RegularExpressions;

namespace KanikoBuild.Kaniko;

/// <summary>
/// Watches the executor's output as it streams: keeps the last lines, the instruction kaniko ran last, and the
/// signs of a refused login, so that a non-zero exit can be explained. Every kept line is masked.
/// </summary>
public sealed partial class KanikoOutput
{
    const int TailLength = 40;
    readonly Queue<string> _tail = new();
    readonly object _gate = new();

    public string? LastStep { get; private set; }
    public bool SawAuthRefusal { get; private set; }
    public bool SawStepExit { get; private set; }
    public string? LastErrorLine { get; private set; }

    public IReadOnlyList<string> Tail
    {
        get { lock (_gate) return _tail.ToArray(); }
    }

    public void Observe(string line)
    {
        // kaniko's default log format is 'color', which colours the level even when nobody reads a terminal.
        var masked = AnsiEscape().Replace(Secrets.Mask(line), string.Empty);
        lock (_gate)
        {
            _tail.Enqueue(masked);
            if (_tail.Count > TailLength)
                _tail.Dequeue();
            // kaniko logs each instruction as it starts it: 'INFO[0001] RUN make test'.
            if (Instruction().Match(masked) is { Success: true } step)
                LastStep = step.Groups["step"].Value.Trim();
            if (AuthRefusal().IsMatch(masked))
                SawAuthRefusal = true;
            if (StepExit().IsMatch(masked))
                SawStepExit = true;
            if (masked.Contains("error", StringComparison.OrdinalIgnoreCase))
                LastErrorLine = masked.Trim();
        }
    }

    [GeneratedRegex(@"^(?:(?:INFO|WARN)\[[^\]]*\]\s+|time=""[^""]*""\s+level=info\s+msg=""?)?(?<step>RUN\s.+?)""?$")]
    private static partial Regex Instruction();

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    // Registry error codes are upper case (UNAUTHORIZED, DENIED); a RUN step's "Permission denied" is not one.
    [GeneratedRegex(@"\b(401 Unauthorized|403 Forbidden|UNAUTHORIZED|DENIED|status code 401|status code 403|error checking push permissions)")]
    private static partial Regex AuthRefusal();

    [GeneratedRegex(@"failed to execute command|waiting for process to exit: exit status \d+")]
    private static partial Regex StepExit();
}
