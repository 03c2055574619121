namespace KanikoBuild;

/// <summary>
/// Every input of a run found wrong before anything is built, each naming its parameter, reported together: fixing
/// one and running again to meet the next wastes a CI round trip per input. The engine records what it finds first
/// (values that do not convert, required parameters that are missing), then the build's own checks add theirs.
/// </summary>
public sealed class InputProblems
{
    readonly List<string> _problems = [];
    readonly HashSet<ParameterName> _rejected = [];

    public IReadOnlyList<string> All => _problems;

    public bool Any => _problems.Count > 0;

    /// <summary>
    /// Records that <paramref name="parameter"/> has no usable value (it did not convert, or a target requires it and
    /// it is missing). Later problems of the same parameter are left out: they could only restate this one.
    /// </summary>
    public void Reject(ParameterName parameter, string message)
    {
        Add(parameter, message);
        _rejected.Add(parameter);
    }

    public bool IsRejected(ParameterName parameter) => _rejected.Contains(parameter);

    /// <summary>Records <paramref name="message"/>, prefixed with the parameter's name unless it names it already.</summary>
    public void Add(ParameterName parameter, string message)
    {
        if (_rejected.Contains(parameter))
            return;
        var name = parameter.ToString();
        Add(message.Contains(name, StringComparison.Ordinal) ? message : $"{name}: {message}");
    }

    /// <summary>Records a problem that is not one parameter's (a requirement on several, a condition).</summary>
    public void Add(string message)
    {
        if (!_problems.Contains(message, StringComparer.Ordinal))
            _problems.Add(message);
    }

    /// <summary>Runs one check; its <see cref="PipelineException"/> becomes a problem of <paramref name="parameter"/>.</summary>
    public T? Try<T>(ParameterName parameter, Func<T> check) where T : class
    {
        try
        {
            return check();
        }
        catch (PipelineException e)
        {
            Add(parameter, e.Message);
            return null;
        }
    }

    /// <summary><see cref="Try{T}"/> for values (an enum, a duration).</summary>
    public T? TryValue<T>(ParameterName parameter, Func<T> check) where T : struct
    {
        try
        {
            return check();
        }
        catch (PipelineException e)
        {
            Add(parameter, e.Message);
            return null;
        }
    }

    public async Task<T?> TryAsync<T>(ParameterName parameter, Func<Task<T>> check) where T : class
    {
        try
        {
            return await check().ConfigureAwait(false);
        }
        catch (PipelineException e)
        {
            Add(parameter, e.Message);
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
