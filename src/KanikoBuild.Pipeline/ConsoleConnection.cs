using System.Runtime.InteropServices;
using KanikoBuild.Pipeline.Preflight;
using KanikoBuild.Prisma;
using Serilog;

namespace KanikoBuild.Pipeline;

/// <summary>The Compute Console the preflight checked, as the pipeline talks to it.</summary>
public static class ConsoleConnection
{
    /// <summary>A client for the Console the preflight checked.</summary>
    public static ComputeClient CreateClient(CheckedConsole console, TimeProvider? time = null) =>
        new(console.ToClientOptions(), time, Log.Logger);

    /// <summary>twistcli runs inside the build, so it is the Linux build for the machine's architecture, whatever the host.</summary>
    public static TwistcliPlatform BuildPlatform() =>
        RuntimeInformation.OSArchitecture == Architecture.Arm64 ? TwistcliPlatform.LinuxArm64 : TwistcliPlatform.LinuxAmd64;
}
