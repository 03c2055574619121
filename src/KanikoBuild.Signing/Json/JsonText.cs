using System.Text.Encodings.Web;
using System.Text.Json;

namespace KanikoBuild.Signing;

/// <summary>
/// How this project writes the JSON it signs and stores: compact, and without .NET's default escaping of '+', '&lt;'
/// and non-ASCII characters, so media types read <c>application/vnd.oci.image.manifest.v1+json</c> as cosign writes
/// them, not <c>v1\u002Bjson</c>.
/// </summary>
internal static class JsonText
{
    public static readonly JsonWriterOptions Writer = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static readonly JsonSerializerOptions Serializer = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>Runs <paramref name="write"/> on a writer and returns the bytes it wrote.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Writer))
            write(writer);
        return buffer.ToArray();
    }
}
