namespace KanikoBuild.Kaniko;

/// <summary>
/// A host folder or file that appears at <paramref name="ContainerPath"/> (under <c>/kaniko</c>) in the executor.
/// The pipeline uses one to place the scan tools folder at <c>/kaniko/kanikobuild</c>.
/// </summary>
public sealed record KanikoMount(string HostPath, string ContainerPath, bool ReadOnly = true);
