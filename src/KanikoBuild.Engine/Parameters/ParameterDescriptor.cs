using System.Reflection;

namespace KanikoBuild.Engine.Parameters;

/// <summary>
/// A parameter of the build: a <c>[Parameter]</c> member of the build, a <c>[Parameter]</c> property of an option
/// record the build holds (<c>readonly ConsoleOptions Console = new();</c>, or a record of such records), or one of
/// the engine's own (<c>--skip</c>, <c>--verbosity</c>…). An option record's parameters keep their flat names
/// (<c>ConsoleUrl</c>, <c>--console-url</c>): the record groups them, it does not prefix them.
/// </summary>
internal sealed class ParameterDescriptor
{
    const BindingFlags InstanceMembers = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    ParameterDescriptor(string name, Type type, string? description, MemberInfo? member, IReadOnlyList<MemberInfo> owners, string? group)
    {
        Name = name;
        Type = type;
        Description = description;
        Member = member;
        Owners = owners;
        Group = group;
    }

    /// <summary>The name the command line, the environment and parameters.json use (the member name unless overridden).</summary>
    public string Name { get; }
    public Type Type { get; }
    public string? Description { get; }

    /// <summary>The field or property that holds the value.</summary>
    public MemberInfo? Member { get; }

    /// <summary>The members leading from the build to the option record that declares <see cref="Member"/> (empty for the build's own).</summary>
    public IReadOnlyList<MemberInfo> Owners { get; }

    /// <summary>The option record's concern, for <c>--help</c> (<see cref="ParameterGroupAttribute"/>); null for the build's own members.</summary>
    public string? Group { get; }

    public string? Separator { get; private init; }
    public bool Listed { get; private init; } = true;
    public bool Secret { get; private init; }
    public bool BuiltIn => Member is null;

    public ParameterName ParameterName => new(Name, Secret);
    public string Switch => ParameterName.Switch;
    public string EnvironmentVariable => ParameterName.EnvironmentVariable;

    public static ParameterDescriptor BuiltInParameter(string name, Type type, string description, string? separator = null, bool listed = true) =>
        new(name, type, description, member: null, [], null) { Separator = separator, Listed = listed };

    /// <summary>
    /// The parameters of a build type, base classes included: its <c>[Parameter]</c> fields and properties, and the
    /// <c>[Parameter]</c> properties of the option records it holds. Ordered by group (the build's own first, then as declared), then name.
    /// </summary>
    public static IReadOnlyList<ParameterDescriptor> FromBuildType(Type type)
    {
        var result = new List<ParameterDescriptor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var member in DeclaredMembers(t, BindingFlags.Static | BindingFlags.DeclaredOnly | InstanceMembers))
            {
                if (!seen.Add(member.Name))
                    continue;
                if (member.GetCustomAttribute<ParameterAttribute>() is { } attribute)
                    result.Add(Create(member, attribute, [], null));
                else if (!IsStatic(member))
                    AddOptions(member, [], result, depth: 1);
            }
        }
        foreach (var duplicate in result.GroupBy(p => NameCase.Normalize(p.Name)).Where(g => g.Count() > 1))
        {
            throw new PipelineException($"Two parameters of {type.Name} are named '{duplicate.First().Name}' ({string.Join(" and ", duplicate.Select(p => p.Path))}); rename one with [Parameter(Name = …)].");
        }
        // The build's own parameters first, then each option record's, in the order the build declares them.
        var groups = result.Select(p => p.Group).Distinct().ToList();
        return result
            .OrderBy(p => p.Group is null ? -1 : groups.IndexOf(p.Group))
            .ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>
    /// An option record the build holds (a type declaring <c>[Parameter]</c> properties), or a record of such records
    /// (one level: the pipeline's options by concern). Only stored members count: a computed property would be
    /// filled on a copy that nobody reads.
    /// </summary>
    static void AddOptions(MemberInfo holder, IReadOnlyList<MemberInfo> owners, List<ParameterDescriptor> result, int depth)
    {
        var type = TypeOf(holder);
        if (!IsStored(holder))
            return;
        if (IsOptionRecord(type))
        {
            var group = type.GetCustomAttribute<ParameterGroupAttribute>()?.Title ?? type.Name;
            foreach (var property in type.GetProperties(InstanceMembers).Where(p => p.GetIndexParameters().Length == 0))
            {
                if (property.GetCustomAttribute<ParameterAttribute>() is { } attribute)
                    result.Add(Create(property, attribute, [.. owners, holder], group));
            }
        }
        else if (depth == 1 && IsOptionsCandidate(type))
        {
            foreach (var property in type.GetProperties(InstanceMembers).Where(p => p.GetIndexParameters().Length == 0 && IsOptionRecord(p.PropertyType)))
                AddOptions(property, [.. owners, holder], result, depth + 1);
        }
    }

    static bool IsOptionRecord(Type type) =>
        IsOptionsCandidate(type) && type.GetProperties(InstanceMembers).Any(p => p.IsDefined(typeof(ParameterAttribute)));

    static bool IsStored(MemberInfo member) => member switch
    {
        FieldInfo => true,
        PropertyInfo property => property.CanWrite
            || property.DeclaringType!.GetField($"<{property.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic) is not null,
        _ => false,
    };

    // Framework types and values never hold option records; only the project's own classes can.
    static bool IsOptionsCandidate(Type type) =>
        type.IsClass && !type.IsArray && type != typeof(string) && !typeof(Delegate).IsAssignableFrom(type)
        && type.Assembly != typeof(object).Assembly && !(type.Namespace ?? string.Empty).StartsWith("System", StringComparison.Ordinal)
        && type.Assembly != typeof(NukeBuild).Assembly;

    static ParameterDescriptor Create(MemberInfo member, ParameterAttribute attribute, IReadOnlyList<MemberInfo> owners, string? group) =>
        new(attribute.Name ?? member.Name, TypeOf(member), attribute.Description, member, owners, group)
        {
            Separator = attribute.Separator,
            Listed = attribute.List,
            Secret = member.IsDefined(typeof(SecretAttribute)),
        };

    static IEnumerable<MemberInfo> DeclaredMembers(Type type, BindingFlags flags) =>
        type.GetFields(flags).Where(f => !f.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute))).Cast<MemberInfo>()
            .Concat(type.GetProperties(flags).Where(p => p.GetIndexParameters().Length == 0));

    static bool IsStatic(MemberInfo member) => member switch
    {
        FieldInfo f => f.IsStatic,
        PropertyInfo p => p.GetMethod?.IsStatic ?? false,
        _ => false,
    };

    static Type TypeOf(MemberInfo member) => member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;

    /// <summary><c>Console.Url</c>: where the parameter lives, for messages about the build's own declarations.</summary>
    public string Path => string.Join(".", Owners.Append(Member!).Select(m => m.Name));

    /// <summary>True when <paramref name="member"/> (e.g. from a requirement's expression) is this parameter's member.</summary>
    public bool Is(MemberInfo member) =>
        Member is not null && member.Name == Member.Name && member.DeclaringType == Member.DeclaringType;

    public void SetValue(object build, object? value)
    {
        var owner = Owner(build);
        switch (Member)
        {
            case FieldInfo field:
                field.SetValue(field.IsStatic ? null : owner, value);
                break;
            case PropertyInfo { CanWrite: true } property:
                // An init-only property is set like any other: the record is filled before anything reads it.
                property.SetValue(owner, value);
                break;
            case PropertyInfo property:
                // A get-only auto-property ('{ get; }' or '{ get; } = default') keeps its value in a backing field.
                var backing = property.DeclaringType!.GetField($"<{property.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
                    ?? throw new PipelineException($"Parameter '{Name}' is a property without a setter or backing field; make it a field or an auto-property.");
                backing.SetValue(owner, value);
                break;
        }
    }

    public object? GetValue(object build) => Member switch
    {
        FieldInfo field => field.GetValue(field.IsStatic ? null : Owner(build)),
        PropertyInfo property => property.GetValue(Owner(build)),
        _ => null,
    };

    /// <summary>The object that holds the value: the build, or the option record the <see cref="Owners"/> lead to.</summary>
    object Owner(object build)
    {
        var current = build;
        foreach (var member in Owners)
        {
            current = (member is FieldInfo field ? field.GetValue(current) : ((PropertyInfo)member).GetValue(current))
                ?? throw new PipelineException($"The option record {member.DeclaringType?.Name}.{member.Name} is null, so parameter '{Name}' cannot be set; initialise it (= new()).");
        }
        return current;
    }
}
