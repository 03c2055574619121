using System.Text.Json;

namespace KanikoBuild.Signing;

/// <summary>
/// The digest that names the policy a verdict was reached under: of the policy file's bytes when there is a file,
/// or of the effective policy's canonical JSON (<see cref="CanonicalJson"/>) when it was assembled from parameters.
/// </summary>
public static class PolicyDigests
{
    public static string OfFile(ReadOnlySpan<byte> policyFileBytes) => KanikoBuild.Registry.Digest.Sha256(policyFileBytes);

    public static string OfEffectivePolicy(JsonElement effectivePolicy) => KanikoBuild.Registry.Digest.Sha256(CanonicalJson.Serialize(effectivePolicy));
}
