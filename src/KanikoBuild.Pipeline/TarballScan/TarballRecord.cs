using System.Text.Json;
using KanikoBuild.Scanning;

namespace KanikoBuild.Pipeline.TarballScan;

/// <summary>
/// What ScanTarball leaves for PushScanned, under <c>.nuke/temp/scantarball/</c>: the tarball kaniko built and
/// twistcli scanned, twistcli's result, and the verdict on that tarball's image ID. ScanTarball empties the folder
/// before it builds, so a record found here is the last scan's, never an older passing one beside a newer tarball.
/// </summary>
public sealed class TarballRecord(PipelineRun run)
{
    public const string Target = "scantarball";

    public string Directory { get; } = Path.Combine(run.TemporaryDirectory, Target);

    /// <summary>The docker-save tarball (kaniko's <c>--tar-path</c>): the bytes scanned, and the bytes pushed.</summary>
    public string TarballPath => Path.Combine(Directory, "image.tar");

    public string ResultFile => Path.Combine(Directory, "twistcli-result.json");

    public string VerdictFile => Path.Combine(Directory, "verdict.json");

    /// <summary>Removes what an earlier scan left, so nothing of it can stand in for this scan.</summary>
    public void Clear()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public async Task WriteVerdictAsync(TarballVerdict verdict, CancellationToken ct)
    {
        var partial = VerdictFile + ".partial";
        await File.WriteAllTextAsync(partial, JsonSerializer.Serialize(verdict, s_json), ct).ConfigureAwait(false);
        File.Move(partial, VerdictFile, overwrite: true);
    }

    /// <summary>The recorded verdict, or null when ScanTarball has not judged a tarball here.</summary>
    public async Task<TarballVerdict?> ReadVerdictAsync(CancellationToken ct)
    {
        if (!File.Exists(VerdictFile))
            return null;
        try
        {
            return JsonSerializer.Deserialize<TarballVerdict>(await File.ReadAllTextAsync(VerdictFile, ct).ConfigureAwait(false), s_json)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new PipelineException($"The tarball verdict '{VerdictFile}' is not readable ({e.Message}); run ScanTarball again.", e);
        }
    }

    static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}

/// <summary>The pipeline's verdict on one scanned tarball: the image ID it is about, whether it passed, and on which day the policy was applied.</summary>
public sealed record TarballVerdict(string ImageId, bool Passed, DateOnly EvaluatedOn, string Summary)
{
    public static TarballVerdict Of(string imageId, ScanResult result, Verdict verdict) =>
        new(imageId, verdict.Passed, verdict.EvaluatedOn, PolicyEvaluator.OneLine(result, verdict));
}
