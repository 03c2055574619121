namespace KanikoBuild.Kaniko;

/// <summary>Where kaniko reads the build context from.</summary>
public sealed record KanikoContext
{
    KanikoContext(string? directory, string? url)
    {
        HostDirectory = directory;
        Url = url;
    }

    /// <summary>A local directory on the host (mounted into the executor, or used in place by the local runner).</summary>
    public string? HostDirectory { get; }

    /// <summary>A context kaniko fetches itself, passed through unchanged (<c>tar://</c>, <c>git://</c>, <c>s3://</c>, <c>gs://</c>, <c>https://</c>…).</summary>
    public string? Url { get; }

    public bool IsDirectory => HostDirectory is not null;

    public static KanikoContext Directory(string hostDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostDirectory);
        return new KanikoContext(Path.GetFullPath(hostDirectory), null);
    }

    public static KanikoContext Remote(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!url.Contains("://", StringComparison.Ordinal))
            throw new PipelineException($"The build context '{url}' is not a URL; use a local directory, or a URL such as tar://…, git://…, s3://….");
        return new KanikoContext(null, url);
    }

    /// <summary>A URL (anything with <c>://</c>) is passed through; anything else is a local directory.</summary>
    public static KanikoContext Parse(string value) =>
        value.Contains("://", StringComparison.Ordinal) && !value.StartsWith("dir://", StringComparison.Ordinal)
            ? Remote(value)
            : Directory(value.StartsWith("dir://", StringComparison.Ordinal) ? value["dir://".Length..] : value);

    public override string ToString() => HostDirectory ?? Url!;
}
