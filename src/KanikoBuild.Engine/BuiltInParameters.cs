using KanikoBuild.Engine.Parameters;

namespace KanikoBuild.Engine;

/// <summary>The engine's own parameters, with Nuke's names and descriptions.</summary>
internal static class BuiltInParameters
{
    public static readonly ParameterDescriptor Help = ParameterDescriptor.BuiltInParameter("Help", typeof(bool), "Shows the help text for this build assembly.");
    public static readonly ParameterDescriptor Host = ParameterDescriptor.BuiltInParameter("Host", typeof(Host?), "Host for execution. Default is 'automatic'.");
    public static readonly ParameterDescriptor NoLogo = ParameterDescriptor.BuiltInParameter("NoLogo", typeof(bool), "Disables displaying the logo.");
    public static readonly ParameterDescriptor Plan = ParameterDescriptor.BuiltInParameter("Plan", typeof(bool), "Shows the execution plan as a Mermaid graph (also written to .nuke/temp/execution-plan.mmd).");
    public static readonly ParameterDescriptor Root = ParameterDescriptor.BuiltInParameter("Root", typeof(string[]), "Root directory during build execution.");
    public static readonly ParameterDescriptor Skip = ParameterDescriptor.BuiltInParameter("Skip", typeof(string[]), "List of targets to be skipped. Empty list skips all dependencies.", separator: "+");
    public static readonly ParameterDescriptor Target = ParameterDescriptor.BuiltInParameter("Target", typeof(string[]), "List of targets to be invoked. Default is '{default_target}'.", separator: "+");
    public static readonly ParameterDescriptor Verbosity = ParameterDescriptor.BuiltInParameter("Verbosity", typeof(Verbosity?), "Logging verbosity during build execution (Quiet, Minimal, Normal, Verbose). Default is 'Normal'.");

    public static IReadOnlyList<ParameterDescriptor> All { get; } = [Help, Host, NoLogo, Plan, Root, Skip, Target, Verbosity];
}
