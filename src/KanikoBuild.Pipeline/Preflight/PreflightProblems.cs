namespace KanikoBuild.Pipeline.Preflight;

/// <summary>
/// Every input the preflight found wrong, each naming its switch, reported together: fixing one and running
/// again to meet the next wastes a CI round trip per input.
/// </summary>
public sealed class PreflightProblems
{
    readonly List<string> _problems = [];

    public IReadOnlyList<string> All => _problems;

    /// <summary>Records <paramref name="message"/>, prefixed with <paramref name="switchName"/> unless it names it already.</summary>
    public void Add(string switchName, string message)
    {
        var text = message.Contains(switchName, StringComparison.Ordinal) ? message : $"{switchName}: {message}";
        if (!_problems.Contains(text, StringComparer.Ordinal))
            _problems.Add(text);
    }

    /// <summary>Runs one parse; its <see cref="PipelineException"/> becomes a problem of <paramref name="switchName"/>.</summary>
    public T? Try<T>(string switchName, Func<T> parse) where T : class
    {
        try
        {
            return parse();
        }
        catch (PipelineException e)
        {
            Add(switchName, e.Message);
            return null;
        }
    }

    /// <summary><see cref="Try{T}"/> for values (an enum, a duration).</summary>
    public T? TryValue<T>(string switchName, Func<T> parse) where T : struct
    {
        try
        {
            return parse();
        }
        catch (PipelineException e)
        {
            Add(switchName, e.Message);
            return null;
        }
    }

    public async Task<T?> TryAsync<T>(string switchName, Func<Task<T>> parse) where T : class
    {
        try
        {
            return await parse().ConfigureAwait(false);
        }
        catch (PipelineException e)
        {
            Add(switchName, e.Message);
            return null;
        }
    }

    public void ThrowIfAny()
    {
        if (_problems.Count == 1)
            throw new PipelineException($"{_problems[0]} (found before building: nothing was built or pushed)");
        if (_problems.Count > 1)
            throw new PipelineException($"{_problems.Count} inputs are wrong (found before building: nothing was built or pushed):"
                + string.Concat(_problems.Select(p => Environment.NewLine + "  - " + p)));
    }
}
