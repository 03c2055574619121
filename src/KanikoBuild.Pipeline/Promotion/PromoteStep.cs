using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.RegistryScan;
using KanikoBuild.Registry;
using Serilog;

namespace KanikoBuild.Pipeline.Promotion;

/// <summary>Alternative B, last step: the scanned digest copied to production and tagged there, with the values the preflight checked.</summary>
public static class PromoteStep
{
    public static async Task<PromotionResult> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var checkedInputs = await run.InputsForAsync(PipelineTargets.Promote, ct).ConfigureAwait(false);
        var image = checkedInputs.RequireDevImage();
        var promotion = checkedInputs.RequirePromotion();
        var (digest, _) = await DevImageDigest.ResolveAsync(run, image, ct).ConfigureAwait(false);
        var request = new PromoteRequest(image.Registry, promotion.Registry, image.Image, digest)
        {
            Tags = promotion.Tags,
            OverwriteTags = promotion.OverwriteTags,
        };
        return await PromoteCommand.RunAsync(request, checkedInputs.Logins, Log.Logger, ct).ConfigureAwait(false);
    }
}
