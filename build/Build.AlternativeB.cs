using KanikoBuild.Engine;

// Alternative B: push to a dev registry the Console watches, wait for its verdict on that digest, promote.
partial class Build
{
    [Parameter("Prisma Cloud Compute Console URL, with the SaaS path prefix if any (https://host/tenant).")]
    readonly string? ConsoleUrl;

    [Parameter("Console user, or access key ID on SaaS.")]
    readonly string? ConsoleUser;

    [Parameter("Console password, or secret key on SaaS.")]
    [Secret]
    readonly string? ConsolePassword;

    [Parameter("Console project (multi-tenant self-hosted Consoles).")]
    readonly string? ConsoleProject;

    [Parameter("CA certificate (PEM) the Console's TLS certificate is checked against.")]
    readonly string? ConsoleCaCert;

    [Parameter("Dev registry the Console scans: host[:port][/path-prefix].")]
    readonly string? DevRegistry;

    [Parameter("Image repository, without registry and tag (e.g. team/app).")]
    readonly string? Image;

    [Parameter("Image tag.")]
    readonly string? Tag;

    [Parameter("Manifest digest (sha256:…) of an image pushed earlier; AwaitScan and Promote then skip PushDev.")]
    readonly string? ImageDigest;

    [Parameter("Whether AwaitScan triggers an on-demand registry scan (false when a registry webhook does it). Default: true.")]
    readonly bool? TriggerScan;

    [Parameter("How long AwaitScan waits for the Console's result (a TimeSpan such as 00:10:00, or seconds). Default: 10 minutes.")]
    readonly string? ScanTimeout;

    Target PushDev => _ => _
        .Description("B: builds the original Dockerfile with kaniko and pushes it to the dev registry; records the digest.")
        // An image pushed earlier (--image-digest) is awaited and promoted as it is, not rebuilt.
        .OnlyWhenStatic(() => string.IsNullOrEmpty(ImageDigest))
        .Requires(() => DevRegistry, () => Image, () => Tag)
        .Executes(async ct => await KanikoBuild.Pipeline.AlternativeB.PushDevCommand.RunAsync(Settings, ct, await CheckedInputsAsync(ct)));

    Target AwaitScan => _ => _
        .Description("B: triggers the registry scan and waits for the Console's result for the pushed digest; applies the policy.")
        .DependsOn(PushDev)
        .Requires(() => ConsoleUrl, () => ConsoleUser, () => ConsolePassword, () => DevRegistry, () => Image, () => Tag)
        .Executes(async ct => await KanikoBuild.Pipeline.AlternativeB.AwaitScanStep.RunAsync(Settings, ct, checkedInputs: await CheckedInputsAsync(ct)));
}
