using KanikoBuild.Pipeline.State;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Pipeline.AlternativeB;

/// <summary>Alternative B, last step: the scanned digest copied to production and tagged there.</summary>
public static class PromoteStep
{
    public static Task<PromotionResult> RunAsync(PipelineSettings settings, CancellationToken ct) =>
        PromoteCommand.RunAsync(new PromoteParameters
        {
            DevRegistry = settings.DevRegistry, ProdRegistry = settings.ProdRegistry, Image = settings.Image, Tag = settings.Tag,
            PromoteTags = settings.PromoteTags, ImageDigest = settings.ImageDigest,
            DigestFile = new HandOff(settings.TemporaryDirectory, PushDevCommand.Target).DigestFile,
            InsecureRegistries = settings.InsecureRegistries,
            DevRegistryUser = settings.DevRegistryUser, DevRegistryPassword = settings.DevRegistryPassword,
            ProdRegistryUser = settings.ProdRegistryUser, ProdRegistryPassword = settings.ProdRegistryPassword,
            OverwriteTags = settings.OverwriteTags,
        }, Log.Logger, ct);
}
