namespace KanikoBuild.Registry;

/// <summary>
/// What Promote copies, checked by the caller: <paramref name="Digest"/> of <paramref name="Image"/> under the dev
/// registry's prefix, to the same image under the production registry's prefix, then tagged there.
/// </summary>
public sealed record PromoteRequest(RegistrySpec From, RegistrySpec To, string Image, Digest Digest)
{
    /// <summary>Valid tags (the caller checked them): <c>--tag</c> and <c>--promote-tags</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    public bool OverwriteTags { get; init; }

    public int Parallelism { get; init; } = 6;
}

/// <summary>Runs a promotion with the run's registry logins: the one call the pipeline's Promote step makes.</summary>
public static class PromoteCommand
{
    public static async Task<PromotionResult> RunAsync(PromoteRequest request, RegistryLogins logins, Serilog.ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(logins);
        logger ??= Serilog.Log.Logger;
        var promotion = new PromotionRequest(request.From.Repository(request.Image), request.Digest, request.To.Repository(request.Image))
        {
            Tags = request.Tags,
            OverwriteTags = request.OverwriteTags,
            Parallelism = request.Parallelism,
        };
        using var source = logins.ClientFor(request.From, o => o with { Logger = logger });
        using var destination = logins.ClientFor(request.To, o => o with { Logger = logger });
        return await new Promoter(source, destination, logger).PromoteAsync(promotion, null, ct).ConfigureAwait(false);
    }
}
