using System.Linq.Expressions;
using System.Reflection;

namespace KanikoBuild;

/// <summary>
/// The names one parameter goes by, derived from its member's <see cref="ParameterAttribute"/>: <c>ConsoleUrl</c>
/// in parameters.json, <c>--console-url</c> on the command line, <c>CONSOLE_URL</c> in the environment. A library
/// that reports a problem with a value names the parameter through this, never through a copied literal, so a
/// renamed switch is renamed in every message.
/// </summary>
public sealed record ParameterName(string Name, bool IsSecret)
{
    public string Switch => "--" + NameCase.ToKebab(Name);

    public string EnvironmentVariable => NameCase.ToEnvironment(Name);

    /// <summary>
    /// How messages name the parameter: its switch, or for a secret its environment variable. A secret belongs in
    /// the environment; a switch would show in <c>ps</c> and the shell's history.
    /// </summary>
    public override string ToString() => IsSecret ? EnvironmentVariable : Switch;

    /// <summary>How to give the parameter, for a message about a missing value.</summary>
    public string Hint => IsSecret
        ? $"it is a secret: set the environment variable {EnvironmentVariable} (secrets belong in the environment, not on the command line or in .nuke/parameters.json)"
        : $"pass {Switch}, set {EnvironmentVariable} or add \"{Name}\" to .nuke/parameters.json";

    /// <summary>The parameter a <c>[Parameter]</c> field or property binds.</summary>
    public static ParameterName Of(MemberInfo member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var attribute = member.GetCustomAttribute<ParameterAttribute>()
            ?? throw new ArgumentException($"{member.DeclaringType?.Name}.{member.Name} is not a [Parameter].", nameof(member));
        return new ParameterName(attribute.Name ?? member.Name, member.IsDefined(typeof(SecretAttribute)));
    }

    /// <summary>The parameter an option record's property binds: <c>ParameterName.Of&lt;ConsoleOptions&gt;(nameof(ConsoleOptions.Url))</c>.</summary>
    public static ParameterName Of<TOptions>(string property) =>
        Of(typeof(TOptions).GetProperty(property, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new ArgumentException($"{typeof(TOptions).Name} has no property {property}.", nameof(property)));

    /// <summary>The parameter of <c>o =&gt; o.Url</c>.</summary>
    public static ParameterName Of<TOptions, TValue>(Expression<Func<TOptions, TValue>> property) =>
        property.Body is MemberExpression { Member: var member }
            ? Of(member)
            : throw new ArgumentException($"'{property}' is not a property access.", nameof(property));
}
