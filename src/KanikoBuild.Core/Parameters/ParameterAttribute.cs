namespace KanikoBuild;

/// <summary>
/// Binds a member from the command line (<c>--kebab-case</c>), the environment and <c>.nuke/parameters.json</c>:
/// a field or property of the build, or a property of an option record the build holds. It lives here, not in the
/// engine, so that the libraries that own an option record can name its switch (<see cref="ParameterName"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute(string? description = null) : Attribute
{
    public string? Description { get; } = description;

    /// <summary>Overrides the name derived from the member (<c>Url</c> of the Console's options is <c>ConsoleUrl</c>).</summary>
    public string? Name { get; set; }

    /// <summary>Splits a single value into array elements (e.g. <c>","</c>).</summary>
    public string? Separator { get; set; }

    /// <summary>False hides the parameter from <c>--help</c>.</summary>
    public bool List { get; set; } = true;
}

/// <summary>Marks a parameter whose value is replaced by <c>[REDACTED]</c> wherever it would be logged.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;

/// <summary>
/// Names the concern of an option record in <c>--help</c> (<c>the Console and twistcli</c>); its parameters are
/// listed together under it.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ParameterGroupAttribute(string title) : Attribute
{
    public string Title { get; } = title;
}
