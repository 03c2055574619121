using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Registry;
using KanikoBuild.Signing;
using Serilog;

namespace KanikoBuild.Pipeline.Verdicts;

/// <summary>The verdict a digest ships on: this run's (with the full result), or a signed one found on the digest.</summary>
public sealed record ShippingVerdict(Digest Digest, VerdictClaims Claims, PassedVerdict? ThisRun, string Source);

/// <summary>
/// The one gate every target that ships passes (ReleaseBuild, PushScanned, Promote): a
/// digest ships only on a passing verdict for exactly that digest, either reached in this run
/// (<see cref="VerdictLedger"/>) or signed and attached to the digest earlier, verified with <c>--verify-key</c>
/// (or the public half of <c>--signing-key</c>). Skipping the verdict target skips nothing here: its verdict is
/// simply absent, and the digest is refused with what to do about it.
/// </summary>
public static class ShippingGate
{
    /// <param name="target">The shipping target, for the message.</param>
    /// <param name="verdictTarget">The target that reaches a verdict for this digest (AwaitScan, ScanBuild), for the message.</param>
    /// <param name="signedIn">Where a signed verdict for the digest may be attached (the dev repository, the destination).</param>
    public static async Task<ShippingVerdict> RequireAsync(PipelineRun run, CheckedInputs inputs, Digest digest, string target, string verdictTarget,
        IReadOnlyList<IAttachmentRepository> signedIn, CancellationToken ct)
    {
        if (run.Verdicts.For(digest) is { } passed)
            return new ShippingVerdict(digest, passed.Claims, passed, $"{verdictTarget} in this run");

        var reasons = new List<string> { $"{verdictTarget} reached no passing verdict for it in this run (it was skipped, did not run here, or judged other bytes)" };
        if (inputs.Signing.VerifyKey is { } key)
        {
            var verifier = new SignatureVerifier(key);
            foreach (var repository in signedIn)
            {
                var verification = await verifier.VerifyAsync(repository, digest, ct).ConfigureAwait(false);
                if (verification.IsAccepted && verification.Verdict is { Passed: true } claims)
                {
                    Log.Information("{Repository}@{Digest} carries a signed passing verdict ({Scanner}, policy {Policy}), verified with {Key}.",
                        repository.Name, digest.Value, claims.Scanner.Name, Digest.Short(claims.PolicyDigest), key.Source);
                    return new ShippingVerdict(digest, claims, null, $"the signed verdict on {repository.Name}");
                }
                reasons.Add($"{repository.Name}: {verification.Message}");
            }
        }
        else
        {
            reasons.Add($"no key to check a signed verdict with ({ParameterName.Of<SigningOptions>(nameof(SigningOptions.VerifyKeyPath))} not given)");
        }
        throw new PipelineException(
            $"{target} refuses {digest.Value}: no passing verdict for this digest. {string.Join("; ", reasons)}. " +
            $"To obtain one, run {verdictTarget} for this digest in the same invocation (without --skip {verdictTarget}), " +
            $"or ship a digest whose passing verdict was signed earlier and pass {ParameterName.Of<SigningOptions>(nameof(SigningOptions.VerifyKeyPath))} to check it. Nothing was shipped.");
    }
}
