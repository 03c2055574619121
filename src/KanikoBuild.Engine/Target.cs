namespace KanikoBuild.Engine;

/// <summary>A target as Nuke declares it: <c>Target Compile => _ => _.DependsOn(Restore).Executes(...)</c>.</summary>
public delegate ITargetDefinition Target(ITargetDefinition _);
