using System.Security.Cryptography;
using System.Text;

namespace KanikoBuild.Pipeline.Building;

/// <summary>
/// A digest of what a push build was built from: the context as kaniko takes it, the Dockerfile's bytes, the stage
/// and the build arguments in order. A hand-off record carries it, so a digest recorded for other inputs is not
/// awaited or promoted for these. It does not hash the context's files (a whole checkout): a changed source file
/// under the same Dockerfile is caught by the Console scanning the new digest, not by this.
/// </summary>
public static class BuildFingerprint
{
    public static string Of(BuildInputOptions input, string context, string? dockerfilePath)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string? part)
        {
            var bytes = Encoding.UTF8.GetBytes(part ?? "");
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
        Add(context);
        Add(input.StageOrNull);
        foreach (var argument in input.BuildArgs)
            Add(argument);
        if (dockerfilePath is not null)
            hash.AppendData(File.ReadAllBytes(dockerfilePath));
        else
            Add(input.Dockerfile);
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The fingerprint of this run's build inputs, or null when they do not name a build here (a job that only promotes).</summary>
    public static string? TryOf(PipelineRun run)
    {
        try
        {
            var context = BuildSource.Context(run.Options.Input, run.RootDirectory);
            return Of(run.Options.Input, context.ToString(), BuildSource.Dockerfile(run.Options.Input, context, run.RootDirectory));
        }
        catch (Exception e) when (e is PipelineException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
