using KanikoBuild.Registry;

namespace KanikoBuild.Signing;

/// <summary>
/// containers/image's <c>matchRepository</c> rule: a signed identity is accepted when it names the same repository
/// as the one pulled, after Docker's normalisation (<c>docker.io</c> for Docker Hub, also spelt
/// <c>index.docker.io</c>; <c>library/</c> for one-component names). A tag or digest in the identity is ignored.
/// The host must match as written: <c>127.0.0.1:5000</c> is not <c>localhost:5000</c>.
/// </summary>
internal static class RepositoryIdentity
{
    public static bool Matches(string signed, string expected) =>
        Normalise(signed) is { } a && Normalise(expected) is { } b && a == b;

    static string? Normalise(string reference)
    {
        try
        {
            var parsed = ImageReference.Parse(reference);
            var registry = parsed.Registry is "index.docker.io" or "registry-1.docker.io" ? "docker.io" : parsed.Registry;
            return $"{registry}/{parsed.Repository}";
        }
        catch (PipelineException)
        {
            return null;
        }
    }
}
