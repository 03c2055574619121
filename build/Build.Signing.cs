using KanikoBuild.Engine;
using KanikoBuild.Pipeline.Signing;

// Signed verdicts: what ships carries its verdict (--signing-key on ReleaseBuild, AwaitScan and Promote); deploy jobs check it.
partial class Build
{
    Target VerifyImage => _ => _
        .Description("Checks that --image-digest (or the digest --tag names) in --prod-registry/--image carries a signature by --verify-key with a passing verdict; exit 0 only then.")
        .Requires(() => Options.Registries.Prod, () => Options.Image.Name)
        .Executes(ct => VerifyImageStep.RunAsync(Run, ct));
}
