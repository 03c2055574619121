using System.Formats.Tar;
using System.Text.Json;

namespace KanikoBuild.Pipeline.ScanInBuild;

/// <summary>
/// The layers (uncompressed diff ids, which do not depend on how a registry compresses) of an image: read from
/// kaniko's docker-save tarball of the scan build, or from an image config. ReleaseBuild compares the pushed
/// image's layers with the scanned ones: they match when the release build reused the scan build's cache.
/// </summary>
public static class ScannedLayers
{
    /// <summary>Reads <c>rootfs.diff_ids</c> from a docker-save tarball without unpacking its layers.</summary>
    public static async Task<IReadOnlyList<string>> FromTarballAsync(string tarPath, CancellationToken ct)
    {
        var jsonEntries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var file = File.OpenRead(tarPath))
        await using (var reader = new TarReader(file))
        {
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                // Only the small JSON files matter; layers are skipped without being read into memory.
                // go-containerregistry names the config after its digest ("sha256:…"), without an extension.
                var name = entry.Name.TrimStart('.', '/');
                var small = entry.Length <= 16 * 1024 * 1024;
                if (entry.DataStream is null || !small || !(name.EndsWith(".json", StringComparison.Ordinal) || name.StartsWith("sha256:", StringComparison.Ordinal)))
                    continue;
                using var buffer = new MemoryStream();
                await entry.DataStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                jsonEntries[name] = buffer.ToArray();
            }
        }
        if (!jsonEntries.TryGetValue("manifest.json", out var manifestBytes))
            throw new PipelineException($"'{tarPath}' is not a docker-save tarball (no manifest.json).");
        using var manifest = JsonDocument.Parse(manifestBytes);
        var configName = manifest.RootElement[0].GetProperty("Config").GetString() ?? string.Empty;
        if (!jsonEntries.TryGetValue(configName.TrimStart('.', '/'), out var configBytes))
            throw new PipelineException($"The tarball '{tarPath}' names the config '{configName}' but does not hold it.");
        return FromConfig(configBytes);
    }

    public static IReadOnlyList<string> FromConfig(ReadOnlySpan<byte> configJson)
    {
        var reader = new Utf8JsonReader(configJson);
        using var config = JsonDocument.ParseValue(ref reader);
        return config.RootElement.TryGetProperty("rootfs", out var rootfs) && rootfs.TryGetProperty("diff_ids", out var ids)
            ? ids.EnumerateArray().Select(id => id.GetString() ?? string.Empty).ToList()
            : [];
    }

    /// <summary>
    /// Compares the released layers with the scanned image's. The scan image is the scanned stage plus the scan
    /// step, so the release matches when its layers are exactly the first layers of the scan image.
    /// </summary>
    public static LayerComparison Compare(IReadOnlyList<string> scanned, IReadOnlyList<string> released)
    {
        var differing = new List<int>();
        for (var i = 0; i < released.Count; i++)
        {
            if (i >= scanned.Count || !string.Equals(scanned[i], released[i], StringComparison.Ordinal))
                differing.Add(i);
        }
        return new LayerComparison(released.Count, differing);
    }
}

public sealed record LayerComparison(int ReleasedLayers, IReadOnlyList<int> DifferingLayers)
{
    public bool Identical => DifferingLayers.Count == 0;
}
