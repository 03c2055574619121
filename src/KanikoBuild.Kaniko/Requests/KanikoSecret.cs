namespace KanikoBuild.Kaniko;

/// <summary>
/// A build secret for <c>RUN --mount=type=secret,id=…</c> (osscontainertools fork's <c>--secret</c>): the file at
/// <paramref name="SourceFile"/> on the host is handed to kaniko as a file, never as a value on a command line.
/// </summary>
public sealed record KanikoSecret(string Id, string SourceFile)
{
    public override string ToString() => $"KanikoSecret {{ Id = {Id}, SourceFile = {SourceFile} }}";
}
