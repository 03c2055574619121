using System.Text.Json;
using KanikoBuild.Registry;

namespace KanikoBuild.Signing;

/// <summary>A layer descriptor of an attachment manifest, with the annotations the registry client's descriptor leaves out.</summary>
/// <param name="Index">Position in the manifest, from 0.</param>
public sealed record AttachmentDescriptor(int Index, Descriptor Layer, IReadOnlyDictionary<string, string> Annotations)
{
    public string? Annotation(string name) => Annotations.TryGetValue(name, out var value) ? value : null;
}

internal static class AttachmentLayers
{
    /// <summary>The layers of <paramref name="manifest"/> in order; annotations that are not strings are left out.</summary>
    public static IReadOnlyList<AttachmentDescriptor> Read(RegistryManifest manifest)
    {
        using var document = JsonDocument.Parse(manifest.Bytes);
        var annotations = new List<Dictionary<string, string>>();
        if (document.RootElement.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
        {
            foreach (var layer in layers.EnumerateArray())
            {
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                if (layer.ValueKind == JsonValueKind.Object && layer.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object)
                {
                    foreach (var member in a.EnumerateObject())
                    {
                        if (member.Value.ValueKind == JsonValueKind.String)
                            map[member.Name] = member.Value.GetString()!;
                    }
                }
                annotations.Add(map);
            }
        }
        return manifest.Layers.Select((layer, i) => new AttachmentDescriptor(i, layer, i < annotations.Count ? annotations[i] : [])).ToList();
    }
}
