using KanikoBuild.Engine;

// Promotion by digest: the scanned bytes, not a rebuild, reach production.
partial class Build
{
    [Parameter("Production registry: host[:port][/path-prefix].")]
    readonly string? ProdRegistry;

    [Parameter("Extra tags applied in production after the copy (repeatable).")]
    readonly string[] PromoteTags = [];

    [Parameter("Registries reached over plain HTTP (repeatable). Loopback addresses always are.")]
    readonly string[] InsecureRegistry = [];

    [Parameter("Dev registry user.")]
    readonly string? DevRegistryUser;

    [Parameter("Dev registry password or token.")]
    [Secret]
    readonly string? DevRegistryPassword;

    [Parameter("Production registry user.")]
    readonly string? ProdRegistryUser;

    [Parameter("Production registry password or token.")]
    [Secret]
    readonly string? ProdRegistryPassword;

    [Parameter("Move production tags that already point to a different digest.")]
    readonly bool OverwriteTags;

    Target Promote => _ => _
        .Description("B: copies the scanned image by digest from the dev to the production registry, then tags it.")
        .DependsOn(AwaitScan)
        .Executes(async ct => await KanikoBuild.Pipeline.AlternativeB.PromoteStep.RunAsync(Settings, ct, await CheckedInputsAsync(ct)));
}
