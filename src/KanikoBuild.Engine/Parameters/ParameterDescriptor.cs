using System.Reflection;

namespace KanikoBuild.Engine.Parameters;

/// <summary>A parameter of the build: a <c>[Parameter]</c> member, or one of the engine's own (<c>--skip</c>, <c>--verbosity</c>…).</summary>
internal sealed class ParameterDescriptor
{
    ParameterDescriptor(string name, Type type, string? description, MemberInfo? member)
    {
        Name = name;
        Type = type;
        Description = description;
        Member = member;
    }

    /// <summary>The name the command line, the environment and parameters.json use (the member name unless overridden).</summary>
    public string Name { get; }
    public Type Type { get; }
    public string? Description { get; }
    public MemberInfo? Member { get; }
    public string? Separator { get; private init; }
    public bool Listed { get; private init; } = true;
    public bool Secret { get; private init; }
    public bool BuiltIn => Member is null;

    public string Switch => "--" + NameCase.ToKebab(Name);
    public string EnvironmentVariable => NameCase.ToEnvironment(Name);

    public static ParameterDescriptor BuiltInParameter(string name, Type type, string description, string? separator = null, bool listed = true) =>
        new(name, type, description, member: null) { Separator = separator, Listed = listed };

    /// <summary>The <c>[Parameter]</c> fields and properties of a build type, base classes included, ordered by name.</summary>
    public static IReadOnlyList<ParameterDescriptor> FromBuildType(Type type)
    {
        var result = new List<ParameterDescriptor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            const BindingFlags flags = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (var member in t.GetFields(flags).Cast<MemberInfo>().Concat(t.GetProperties(flags)))
            {
                if (member.GetCustomAttribute<ParameterAttribute>() is not { } attribute || !seen.Add(member.Name))
                    continue;
                var memberType = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
                result.Add(new ParameterDescriptor(attribute.Name ?? member.Name, memberType, attribute.Description, member)
                {
                    Separator = attribute.Separator,
                    Listed = attribute.List,
                    Secret = member.IsDefined(typeof(SecretAttribute)),
                });
            }
        }
        result.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
        return result;
    }

    public void SetValue(object build, object? value)
    {
        switch (Member)
        {
            case FieldInfo field:
                field.SetValue(field.IsStatic ? null : build, value);
                break;
            case PropertyInfo { CanWrite: true } property:
                property.SetValue(build, value);
                break;
            case PropertyInfo property:
                // A get-only auto-property ('{ get; }' or '{ get; } = default') keeps its value in a backing field.
                var backing = property.DeclaringType!.GetField($"<{property.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
                    ?? throw new PipelineException($"Parameter '{Name}' is a property without a setter or backing field; make it a field or an auto-property.");
                backing.SetValue(build, value);
                break;
        }
    }

    public object? GetValue(object build) => Member switch
    {
        FieldInfo field => field.GetValue(field.IsStatic ? null : build),
        PropertyInfo property => property.GetValue(build),
        _ => null,
    };
}
