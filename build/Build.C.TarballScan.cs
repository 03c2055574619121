using KanikoBuild.Engine;
using KanikoBuild.Pipeline.TarballScan;

// Alternative C: kaniko builds once to a tarball, twistcli scans the tarball, and exactly those bytes are pushed.
partial class Build
{
    Target ScanTarball => _ => _
        .Description("C: builds the original Dockerfile once with kaniko --no-push --tar-path, scans the tarball with twistcli --tarball; applies the policy.")
        .Requires(() => Options.Console.Url, () => Options.Console.User, () => Options.Console.Password)
        .Executes(ct => ScanTarballStep.RunAsync(Run, ct));

    Target PushScanned => _ => _
        .Description("C: pushes the scanned tarball's own blobs and manifest to every --destination, proves shipped = scanned, then tags; records the digest.")
        .DependsOn(ScanTarball)
        .Requires(() => Options.Input.Destinations)
        .Executes(ct => PushScannedStep.RunAsync(Run, ct));
}
