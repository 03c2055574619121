using KanikoBuild.Engine;
using KanikoBuild.Tooling.Doctor;
using KanikoBuild.Tooling.Sandbox;

// The tools around the pipeline: is this machine ready, and the whole pipeline here against local stand-ins.
partial class Build
{
    Target Doctor => _ => _
        .Description("Checks the Docker engine, the registries, the Console, the kaniko image and twistcli; one line each.")
        .Executes(ct => DoctorCommand.RunAsync(Run, ct));

    Target Sandbox => _ => _
        .Description("Runs alternatives A, B and C on this machine against a local registry and the Console simulator, with your --policy, --fail-on, --report-formats and --reports-dir, then cleans up.")
        .Executes(ct => SandboxCommand.RunAsync(Run, ct));
}
