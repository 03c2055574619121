namespace KanikoBuild.Engine.Parameters;

/// <summary>
/// Resolves parameter values, first match wins: the command line, then the environment (exact name, or any
/// variable equal to the name or <c>NUKE_</c> + name ignoring case and non-alphanumerics), then
/// <c>.nuke/parameters.json</c>. Inputs are injected so the rules are testable without a process.
/// </summary>
internal sealed class ParameterService(
    ParsedArguments arguments,
    IReadOnlyDictionary<string, string> environment,
    ParametersFile file,
    string workingDirectory,
    string rootDirectory)
{
    /// <summary>Warnings found while resolving (e.g. ambiguous environment variables).</summary>
    public List<string> Warnings { get; } = [];

    public sealed record Resolved(object? Value, string Source);

    /// <summary>The converted value and where it came from, or null when no source sets the parameter.</summary>
    /// <exception cref="PipelineException">The value does not convert; the message names the parameter, the source and what was expected.</exception>
    public Resolved? Resolve(ParameterDescriptor parameter)
    {
        if ((parameter.Type.IsArray ? arguments.GetAll(parameter.Name) : arguments.Get(parameter.Name)) is { } cli)
            return Convert(parameter, cli, null, $"the command line ({parameter.Switch})", workingDirectory);
        if (FindEnvironment(parameter) is { } variable)
            return Convert(parameter, SplitEnvironment(parameter, environment[variable]), parameter.Separator, $"environment variable {variable}", workingDirectory);
        if (file.Get(parameter.Name) is { } values)
            return Convert(parameter, values, parameter.Type.IsArray ? parameter.Separator : null, $"{file.Path}", rootDirectory);
        return null;
    }

    Resolved Convert(ParameterDescriptor parameter, IReadOnlyList<string> values, string? separator, string source, string baseDirectory)
    {
        try
        {
            // Command-line tokens are split by the separator too ("--target A+B").
            return new Resolved(ValueConverter.Convert(parameter.Type, values, parameter.Separator ?? separator, baseDirectory), source);
        }
        catch (Exception e) when (e is FormatException or PipelineException or ArgumentException or OverflowException)
        {
            // A self-parsing type explains itself in a sentence of its own; the engine adds the parameter and the source.
            throw new PipelineException($"Parameter '{parameter.Name}' from {source}: {e.Message.TrimEnd('.')}.");
        }
    }

    IReadOnlyList<string> SplitEnvironment(ParameterDescriptor parameter, string value)
    {
        if (!parameter.Type.IsArray)
            return [value];
        return parameter.Separator is null
            ? value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            : [value];
    }

    string? FindEnvironment(ParameterDescriptor parameter)
    {
        // The engine's own parameters only read NUKE_-prefixed variables: HOST or TARGET mean other things to other tools.
        if (!parameter.BuiltIn && environment.ContainsKey(parameter.Name))
            return parameter.Name;
        var key = NameCase.Normalize(parameter.Name);
        var prefixed = "NUKE" + key;
        var candidates = environment
            .Where(p => NameCase.Normalize(p.Key) is var n && (n == prefixed || (!parameter.BuiltIn && n == key)))
            .ToList();
        if (candidates.Count == 0)
            return null;
        if (candidates.Select(p => p.Value).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            Warnings.Add($"Could not resolve parameter '{parameter.Name}' from the environment since multiple values are provided ({string.Join(", ", candidates.Select(p => p.Key).Order(StringComparer.Ordinal))}).");
            return null;
        }
        return candidates.Select(p => p.Key).Order(StringComparer.Ordinal).First();
    }

    /// <summary>Sets every member that a source provides a value for; collects the conversion errors instead of stopping at the first.</summary>
    public IReadOnlyList<string> Bind(object build, IEnumerable<ParameterDescriptor> parameters) =>
        BindAll(build, parameters).Select(e => e.Message).ToList();

    /// <summary><see cref="Bind"/>, each error with the parameter whose value it rejects.</summary>
    public IReadOnlyList<(ParameterDescriptor Parameter, string Message)> BindAll(object build, IEnumerable<ParameterDescriptor> parameters)
    {
        var errors = new List<(ParameterDescriptor, string)>();
        foreach (var parameter in parameters)
        {
            try
            {
                if (Resolve(parameter) is { } resolved)
                {
                    // Registered before it is set: a later failure's message may quote it.
                    if (parameter.Secret)
                        RegisterSecret(resolved.Value);
                    parameter.SetValue(build, resolved.Value);
                }
            }
            catch (PipelineException e)
            {
                errors.Add((parameter, e.Message));
            }
        }
        return errors;
    }

    /// <summary>Registers a secret value, and each line of a multi-line one (a PEM key is logged line by line by whoever prints it).</summary>
    internal static void RegisterSecret(object? value)
    {
        switch (value)
        {
            case string text:
                Secrets.Register(text);
                if (text.Contains('\n'))
                {
                    foreach (var line in text.Split('\n'))
                        Secrets.Register(line.Trim());
                }
                break;
            case string[] texts:
                foreach (var text in texts)
                    RegisterSecret(text);
                break;
            case Uri uri:
                Secrets.Register(uri.OriginalString);
                break;
        }
    }
}
