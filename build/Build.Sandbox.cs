using KanikoBuild.Engine;

partial class Build
{
    Target Sandbox => _ => _
        .Description("Runs both alternatives on this machine against a local registry and the Console simulator, with your --policy, --fail-on, --report-formats and --reports-dir, then cleans up.")
        .Executes(ct => KanikoBuild.Pipeline.Sandbox.SandboxCommand.RunAsync(Settings, ct));
}
