using System.Text.Json;

namespace KanikoBuild.Signing;

/// <summary>
/// One byte form per JSON value, so equal documents hash alike however they were written: no insignificant
/// whitespace, object members sorted by name (ordinal, UTF-16 code units, as RFC 8785 sorts them), strings
/// re-encoded with minimal escaping, numbers kept as written.
/// </summary>
public static class CanonicalJson
{
    public static byte[] Serialize(JsonElement value) => JsonText.Write(writer => Write(writer, value));

    static void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
