namespace KanikoBuild.Kaniko;

/// <summary>The executor image as the engine holds it: its image id, and whether it had to be pulled just now.</summary>
public sealed record ExecutorImageState(string Image, string ImageId, bool Pulled);
