namespace KanikoBuild.Engine;

/// <summary>Binds a member from the command line (<c>--kebab-case</c>), the environment and <c>.nuke/parameters.json</c>.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute(string? description = null) : Attribute
{
    public string? Description { get; } = description;

    /// <summary>Overrides the name derived from the member.</summary>
    public string? Name { get; set; }

    /// <summary>Splits a single value into array elements (e.g. <c>","</c>).</summary>
    public string? Separator { get; set; }

    /// <summary>False hides the parameter from <c>--help</c>.</summary>
    public bool List { get; set; } = true;
}

/// <summary>Marks a parameter whose value is replaced by <c>[REDACTED]</c> wherever it would be logged.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;
