namespace KanikoBuild.Dockerfiles;

/// <summary>What the appended scan stage does and where it finds its tools.</summary>
public sealed record ScanStageOptions
{
    /// <summary>The Console URL twistcli talks to (<c>--address</c>), with the SaaS path prefix if any.</summary>
    public required string ConsoleAddress { get; init; }

    /// <summary>The Console project (<c>--project</c>), or null.</summary>
    public string? Project { get; init; }

    /// <summary>Whether twistcli publishes the result to the Console (<c>--publish=…</c>, always passed explicitly).</summary>
    public bool Publish { get; init; } = true;

    /// <summary>Whether <c>ca.pem</c> is in the tools folder (adds <c>--tlscacert</c>).</summary>
    public bool CaCertificate { get; init; }

    /// <summary>The stage to scan: a name or a 0-based index; null scans the last stage.</summary>
    public string? Stage { get; init; }

    /// <summary>Absolute path of the scan tools folder inside the build (mounted by the kaniko runner).</summary>
    public string ToolsDirectory { get; init; } = ScanToolsLayout.DefaultDirectory;

    /// <summary>A static shell the scan step runs with, whatever the scanned image has (the debug executor's busybox).</summary>
    public string ShellPath { get; init; } = ScanToolsLayout.DefaultShell;

    /// <summary>
    /// For builders that cannot mount the tools folder (the plain Docker builder): an image that holds the tools folder
    /// at <see cref="ToolsDirectory"/> (and the shell at <see cref="ShellPath"/>); a helper stage copies it into the scan stage.
    /// Its files end up in the scan stage's layers, so it must never carry a real Console token.
    /// </summary>
    public string? ToolsImage { get; init; }

    /// <summary>
    /// Appends the scan step (<c>USER ""</c>, the twistcli <c>RUN</c>) to the scanned stage itself when that stage is the
    /// last one, instead of a stage built FROM it. Same filesystem scanned, same layers before the scan step, but kaniko
    /// (v1.24 and the fork alike) no longer saves the stage as a tarball, wipes its root and unpacks it again, nor takes a
    /// second full snapshot: the most expensive part of the scan build after the build itself. Needs a builder that
    /// mounts the tools folder (kaniko), so never with <see cref="ToolsImage"/>. A stage that is not the last one still
    /// gets a stage of its own.
    /// </summary>
    public bool InStage { get; init; }

    /// <summary>The report id (the last twistcli argument and the cache-busting nonce); null makes a fresh one.</summary>
    public string? ReportId { get; init; }

    /// <summary>Labels the scan in the Console (twistcli reads <c>JOB_NAME</c>), or null.</summary>
    public string? JobName { get; init; }
}
