using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.RegistryScan;
using KanikoBuild.Pipeline.Signing;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Registry;
using KanikoBuild.Signing;
using Serilog;

namespace KanikoBuild.Pipeline.Promotion;

/// <summary>
/// Alternative B, last step: the scanned digest copied to production and tagged there, with the values the
/// preflight checked, only on a passing verdict for exactly that digest (<see cref="ShippingGate"/>). The dev
/// digest's signatures and attestations come along; with <c>--signing-key</c> production signs it too.
/// </summary>
public static class PromoteStep
{
    public static async Task<PromotionResult> RunAsync(PipelineRun run, CancellationToken ct)
    {
        var checkedInputs = await run.InputsForAsync(PipelineTargets.Promote, ct).ConfigureAwait(false);
        var image = checkedInputs.RequireDevImage();
        var promotion = checkedInputs.RequirePromotion();
        var (digest, _) = await DevImageDigest.ResolveAsync(run, image, ct).ConfigureAwait(false);
        var prodRepository = promotion.Registry.Repository(image.Image);

        ShippingVerdict verdict;
        using (var dev = checkedInputs.Logins.ClientFor(image.Registry))
            verdict = await ShippingGate.RequireAsync(run, checkedInputs, digest, "Promote", "AwaitScan", [new RegistryRepository(dev, image.Repository)], ct).ConfigureAwait(false);

        var request = new PromoteRequest(image.Registry, promotion.Registry, image.Image, digest)
        {
            Tags = promotion.Tags,
            OverwriteTags = promotion.OverwriteTags,
        };
        var result = await PromoteCommand.RunAsync(request, checkedInputs.Logins, Log.Logger, ct).ConfigureAwait(false);
        await VerdictSigning.CopyAsync(checkedInputs, image.Registry, image.Repository, promotion.Registry, prodRepository, digest, ct).ConfigureAwait(false);
        await VerdictSigning.SignAsync(checkedInputs, promotion.Registry, prodRepository, verdict, ct).ConfigureAwait(false);
        return result;
    }
}
