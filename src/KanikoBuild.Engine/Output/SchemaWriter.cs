using System.Text;
using System.Text.Json;
using KanikoBuild.Engine.Execution;
using KanikoBuild.Engine.Parameters;

namespace KanikoBuild.Engine.Output;

/// <summary>
/// <c>.nuke/build.schema.json</c>, for completion in parameters.json. Written only when its content changes
/// (a committed file that changes on every run is churn), and not even generated when the build assembly
/// is the one that wrote it last (a stamp in .nuke/temp keyed by the assemblies' MVIDs).
/// </summary>
internal static class SchemaWriter
{
    public static string Generate(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "http://json-schema.org/draft-04/schema#");
            json.WriteString("title", "Build Schema");
            json.WriteStartObject("definitions");
            WriteEnum(json, "Host", Enum.GetNames<Host>());
            WriteEnum(json, "ExecutableTarget", targets.Select(t => t.Name));
            WriteEnum(json, "Verbosity", Enum.GetNames<Verbosity>());
            json.WriteStartObject("NukeBuild");
            json.WriteStartObject("properties");
            foreach (var parameter in parameters.Where(p => p.BuiltIn))
                WriteProperty(json, parameter);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("allOf");
            json.WriteStartObject();
            json.WriteStartObject("properties");
            foreach (var parameter in parameters.Where(p => !p.BuiltIn))
                WriteProperty(json, parameter);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("$ref", "#/definitions/NukeBuild");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }

    static void WriteEnum(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartObject(name);
        json.WriteString("type", "string");
        json.WriteStartArray("enum");
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    static void WriteProperty(Utf8JsonWriter json, ParameterDescriptor parameter)
    {
        json.WriteStartObject(parameter.Name);
        var type = parameter.Type;
        if (type.IsArray)
        {
            json.WriteString("type", "array");
            json.WriteStartObject("items");
            WriteType(json, parameter.Name, type.GetElementType()!);
            json.WriteEndObject();
        }
        else
        {
            WriteType(json, parameter.Name, type);
        }
        if (parameter.Description is { } description)
            json.WriteString("description", description);
        if (parameter.Secret)
            json.WriteString("default", "Secrets are passed through the environment or the command line, not this file");
        json.WriteEndObject();
    }

    static void WriteType(Utf8JsonWriter json, string name, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(Host) || type == typeof(Verbosity))
            json.WriteString("$ref", $"#/definitions/{type.Name}");
        else if (name is "Target" or "Skip" && type == typeof(string))
            json.WriteString("$ref", "#/definitions/ExecutableTarget");
        else if (type == typeof(bool))
            json.WriteString("type", "boolean");
        else if (type == typeof(int) || type == typeof(long))
            json.WriteString("type", "integer");
        else if (type == typeof(double))
            json.WriteString("type", "number");
        else if (type.IsEnum)
        {
            json.WriteString("type", "string");
            json.WriteStartArray("enum");
            foreach (var value in Enum.GetNames(type))
                json.WriteStringValue(value);
            json.WriteEndArray();
        }
        else
            json.WriteString("type", "string");
    }

    /// <summary>Writes the schema unless the stamp says this build already did; returns whether the file changed.</summary>
    public static bool WriteIfChanged(string schemaPath, string stampPath, string stamp, Func<string> generate)
    {
        if (File.Exists(schemaPath) && File.Exists(stampPath) && File.ReadAllText(stampPath) == stamp)
            return false;
        var content = generate();
        var changed = !File.Exists(schemaPath) || File.ReadAllText(schemaPath) != content;
        if (changed)
            File.WriteAllText(schemaPath, content);
        Directory.CreateDirectory(Path.GetDirectoryName(stampPath)!);
        File.WriteAllText(stampPath, stamp);
        return changed;
    }
}
