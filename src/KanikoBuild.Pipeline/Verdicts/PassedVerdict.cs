using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using KanikoBuild.Signing;

namespace KanikoBuild.Pipeline.Verdicts;

/// <summary>
/// A passing verdict this run reached, and what it is about: a manifest digest (B: the Console scanned exactly
/// these bytes; A: a release whose layers are the scanned ones), or, for A's scan build, the scanned stage's
/// layers, which no registry digest names until the release build pushes them; for C's tarball scan, the
/// scanned image's ID, bound to the manifest digest once the push proved shipped = scanned.
/// </summary>
public sealed record PassedVerdict(ScanResult Result, Verdict Verdict, VerdictClaims Claims)
{
    /// <summary>The manifest digest the verdict is about, when it is about one.</summary>
    public Digest? ManifestDigest { get; init; }

    /// <summary>C: the scanned tarball's image ID (the sha256 of its config), before a registry names a manifest for it.</summary>
    public string? ImageId { get; init; }

    /// <summary>The scanned stage's layers (diff IDs), for A's scan build.</summary>
    public IReadOnlyList<string> ScannedLayers { get; init; } = [];

    /// <summary>The full result as scan-result.json holds it: what the attestation carries.</summary>
    public string ResultJson => ReportWriter.RenderJson(Result, Verdict);
}
