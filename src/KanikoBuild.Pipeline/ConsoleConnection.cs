using System.Runtime.InteropServices;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Parameters;
using Serilog;

namespace KanikoBuild.Pipeline;

/// <summary>The Compute Console as the pipeline's settings name it.</summary>
public static class ConsoleConnection
{
    public static ComputeClient CreateClient(PipelineSettings settings, TimeProvider? time = null)
    {
        Secrets.Register(settings.ConsolePassword);
        return new ComputeClient(new ComputeClientOptions
        {
            ConsoleUrl = ScanParameters.ParseConsoleUrl(settings.ConsoleUrl, Log.Logger),
            Username = ScanParameters.Require(settings.ConsoleUser, "--console-user", "a Console user (access key ID on SaaS)"),
            Password = ScanParameters.Require(settings.ConsolePassword, "--console-password", "the Console password (secret key on SaaS)"),
            Project = string.IsNullOrWhiteSpace(settings.ConsoleProject) ? null : settings.ConsoleProject,
            CaCertificatePath = string.IsNullOrWhiteSpace(settings.ConsoleCaCert) ? null : settings.ConsoleCaCert,
        }, time, Log.Logger);
    }

    /// <summary>A client for the Console the preflight checked.</summary>
    public static ComputeClient CreateClient(ConsoleOptions console, TimeProvider? time = null) =>
        new(console.ToClientOptions(), time, Log.Logger);

    /// <summary>twistcli runs inside the build, so it is the Linux build for the machine's architecture, whatever the host.</summary>
    public static TwistcliPlatform BuildPlatform() =>
        RuntimeInformation.OSArchitecture == Architecture.Arm64 ? TwistcliPlatform.LinuxArm64 : TwistcliPlatform.LinuxAmd64;
}
