using System.Text.RegularExpressions;

namespace KanikoBuild.Kaniko;

/// <summary>
/// Watches the executor's output as it streams: keeps the last lines, the instruction kaniko ran last, the image
/// it pulled last, and the line it exited with, so that a non-zero exit can be explained. Every kept line is masked.
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

    /// <summary>
    /// The line kaniko exited with: its <c>exit()</c> prints the wrapped error on one plain line
    /// (<c>error building image: …</c>, <c>error checking push permissions -- …</c>, <c>error pushing image: …</c>,
    /// kaniko.md §1.5), or logrus' fatal level. Warnings before it (a cache miss, a retried pull) are not the cause.
    /// </summary>
    public string? FatalLine { get; private set; }

    /// <summary>The image kaniko was last fetching (<c>Retrieving image manifest 127.0.0.1:5000/base:1</c>).</summary>
    public string? LastImage { get; private set; }

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
            if (Retrieving().Match(masked) is { Success: true } image)
                LastImage = image.Groups["image"].Value;
            if (AuthRefusal().IsMatch(masked))
                SawAuthRefusal = true;
            if (StepExit().IsMatch(masked))
                SawStepExit = true;
            if (masked.Contains("error", StringComparison.OrdinalIgnoreCase))
                LastErrorLine = masked.Trim();
            if (Fatal().IsMatch(masked))
                FatalLine = masked.Trim();
        }
    }

    /// <summary>Whether the RUN step's own exit is what failed the build (kaniko: "failed to execute command: … exit status N").</summary>
    internal static bool IsStepExit(string line) => StepExit().IsMatch(line);

    [GeneratedRegex(@"^(?:(?:INFO|WARN)\[[^\]]*\]\s+|time=""[^""]*""\s+level=info\s+msg=""?)?(?<step>RUN\s.+?)""?$")]
    private static partial Regex Instruction();

    [GeneratedRegex(@"Retrieving image (?:manifest )?(?<image>[^\s""]+)")]
    private static partial Regex Retrieving();

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    // Registry error codes are upper case (UNAUTHORIZED, DENIED); a RUN step's "Permission denied" is not one.
    [GeneratedRegex(@"\b(401 Unauthorized|403 Forbidden|UNAUTHORIZED|DENIED|status code 401|status code 403)")]
    private static partial Regex AuthRefusal();

    [GeneratedRegex(@"failed to execute command|waiting for process to exit: exit status \d+")]
    private static partial Regex StepExit();

    [GeneratedRegex(@"^\s*(?:error (?:building|checking|pushing|resolving|fetching|changing)|Error: |kaniko should only be run|you must provide|cache flags invalid|FATA\[|time=""[^""]*""\s+level=fatal)")]
    private static partial Regex Fatal();
}
