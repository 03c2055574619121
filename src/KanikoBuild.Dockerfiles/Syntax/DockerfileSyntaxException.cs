namespace KanikoBuild.Dockerfiles;

/// <summary>A Dockerfile the parser cannot read: where (file and line) and what was expected.</summary>
public sealed class DockerfileSyntaxException : PipelineException
{
    public DockerfileSyntaxException(string? path, int line, string problem)
        : base($"{path ?? "Dockerfile"}:{line}: {problem}")
    {
        Line = line;
        Problem = problem;
    }

    public int Line { get; }

    public string Problem { get; }
}
