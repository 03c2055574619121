using KanikoBuild.Engine;

partial class Build
{
    Target Doctor => _ => _
        .Description("Checks the Docker engine, the registries, the Console, the kaniko image and twistcli; one line each.")
        .Executes(ct => KanikoBuild.Pipeline.Doctor.DoctorCommand.RunAsync(Settings, ct));
}
