using System.Text;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Pipeline.Verdicts;
using KanikoBuild.Registry;
using KanikoBuild.Signing;
using Serilog;

namespace KanikoBuild.Pipeline.Signing;

/// <summary>
/// What ships carries its verdict: with <c>--signing-key</c>, the shipped digest is signed in its destination
/// repository with the verdict in the payload, and, when the verdict was reached in this run, the full scan result
/// is attached as a vuln attestation. Without a key nothing is signed (and nothing is said twice about it).
/// </summary>
public static class VerdictSigning
{
    public static async Task SignAsync(CheckedInputs inputs, RegistrySpec registry, string repository, ShippingVerdict verdict, CancellationToken ct, TimeProvider? time = null)
    {
        if (inputs.Signing.Key is not { } key)
            return;
        time ??= TimeProvider.System;
        using var client = inputs.Logins.ClientFor(registry);
        var target = new RegistryRepository(client, repository);
        var signer = new ImageSigner(key, new SignerOptions { TimeProvider = time, Logger = Log.Logger });
        await signer.SignAsync(target, verdict.Digest, verdict.Claims, ct).ConfigureAwait(false);
        if (verdict.ThisRun is { } passed)
        {
            var scanned = passed.Result.ScanTime ?? time.GetUtcNow();
            var details = new VulnScanDetails(passed.Result.ConsoleUrl ?? passed.Claims.Scanner.Name, passed.Result.ScannerVersion ?? "", scanned, scanned)
            {
                Invocation = new AttestationInvocation(
                    Uri: Environment.GetEnvironmentVariable("CI_JOB_URL"),
                    EventId: Environment.GetEnvironmentVariable("CI_PIPELINE_ID") ?? Environment.GetEnvironmentVariable("GITHUB_RUN_ID"),
                    BuilderId: "KanikoBuild"),
            };
            await signer.AttestAsync(target, verdict.Digest, Encoding.UTF8.GetBytes(passed.ResultJson), details, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Promote: the dev digest's signatures and attestations, when it has any, copied along to production.</summary>
    public static async Task CopyAsync(CheckedInputs inputs, RegistrySpec from, string fromRepository, RegistrySpec to, string toRepository, Digest digest, CancellationToken ct)
    {
        using var source = inputs.Logins.ClientFor(from);
        using var destination = inputs.Logins.ClientFor(to);
        var copies = await AttachmentCopier.CopyAsync(new RegistryRepository(source, fromRepository), new RegistryRepository(destination, toRepository), digest, ct).ConfigureAwait(false);
        foreach (var copy in copies.Where(c => c.Outcome != AttachmentCopyOutcome.NotInSource))
            Log.Information("Copied the {Kind} of {Digest} to {Repository} ({Outcome}, {Layers} layer(s) added)", copy.Kind, Digest.Short(copy.Digest), toRepository, copy.Outcome, copy.LayersAdded);
    }
}
