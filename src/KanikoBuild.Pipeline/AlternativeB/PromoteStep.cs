using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.State;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Pipeline.AlternativeB;

/// <summary>Alternative B, last step: the scanned digest copied to production and tagged there.</summary>
public static class PromoteStep
{
    /// <param name="checkedInputs">The run's preflight; null runs Promote's own.</param>
    public static async Task<PromotionResult> RunAsync(PipelineSettings settings, CancellationToken ct, CheckedInputs? checkedInputs = null)
    {
        await PipelinePreflight.EnsureAsync(settings, PipelineTargets.Promote, checkedInputs, ct).ConfigureAwait(false);
        return await PromoteCommand.RunAsync(new PromoteParameters
        {
            DevRegistry = settings.DevRegistry, ProdRegistry = settings.ProdRegistry, Image = settings.Image, Tag = settings.Tag,
            PromoteTags = settings.PromoteTags, ImageDigest = settings.ImageDigest,
            DigestFile = new HandOff(settings.TemporaryDirectory, PushDevCommand.Target).DigestFile,
            InsecureRegistries = settings.InsecureRegistries,
            DevRegistryUser = settings.DevRegistryUser, DevRegistryPassword = settings.DevRegistryPassword,
            ProdRegistryUser = settings.ProdRegistryUser, ProdRegistryPassword = settings.ProdRegistryPassword,
            OverwriteTags = settings.OverwriteTags,
        }, Log.Logger, ct).ConfigureAwait(false);
    }
}
