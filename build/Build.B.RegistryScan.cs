using KanikoBuild.Engine;
using KanikoBuild.Pipeline.Promotion;
using KanikoBuild.Pipeline.RegistryScan;
using KanikoBuild.Pipeline.Verdicts;

// Alternative B: push to a dev registry the Console watches, wait for its verdict on that digest, promote by digest.
partial class Build
{
    Target PushDev => _ => _
        .Description("B: builds the original Dockerfile with kaniko and pushes it to the dev registry; records the digest.")
        // An image pushed earlier (--image-digest) is awaited and promoted as it is, not rebuilt.
        .OnlyWhenStatic(() => Options.Image.Digest == null)
        .Requires(() => Options.Registries.Dev, () => Options.Image.Name, () => Options.Image.Tag)
        .Executes(ct => PushDevStep.RunAsync(Run, ct));

    Target AwaitScan => _ => _
        .Description("B: triggers the registry scan and waits for the Console's result for the pushed digest; applies the policy.")
        .DependsOn(PushDev)
        .Requires(() => Options.Console.Url, () => Options.Console.User, () => Options.Console.Password,
            () => Options.Registries.Dev, () => Options.Image.Name, () => Options.Image.Tag)
        .Executes(ct => VerdictReports.RunAsync(Run, "AwaitScan", c => AwaitScanStep.RunAsync(Run, c), ct));

    // Promotion by digest: the scanned bytes, not a rebuild, reach production.
    Target Promote => _ => _
        .Description("B: copies the scanned image by digest from the dev to the production registry, then tags it; only on a passing verdict for that digest (this run's AwaitScan, or a signed one checked with --verify-key); copies and (--signing-key) adds signatures.")
        .DependsOn(AwaitScan)
        .Executes(ct => PromoteStep.RunAsync(Run, ct));
}
