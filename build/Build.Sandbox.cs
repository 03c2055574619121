using KanikoBuild.Engine;

partial class Build
{
    Target Sandbox => _ => _
        .Description("Runs both alternatives on this machine against a local registry and the Console simulator, then cleans up.")
        .Executes(() => throw NotImplementedYet(nameof(Sandbox)));
}
