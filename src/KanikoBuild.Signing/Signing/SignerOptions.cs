namespace KanikoBuild.Signing;

public sealed record SignerOptions
{
    /// <summary>The clock of the payload's <c>timestamp</c>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The payload's <c>creator</c>.</summary>
    public string Creator { get; init; } = "KanikoBuild";

    public Serilog.ILogger? Logger { get; init; }
}

/// <summary>One digest signed: which, and what the <c>.sig</c> tag holds now.</summary>
public sealed record SignedDigest(string Digest, AttachmentWrite Write);
