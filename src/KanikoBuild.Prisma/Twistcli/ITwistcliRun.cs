namespace KanikoBuild.Prisma.Twistcli;

/// <summary>What one twistcli process came to: its exit code and what it printed on stderr.</summary>
internal sealed record TwistcliExit(int ExitCode, string StandardError);

/// <summary>Runs the prepared wrapper script somewhere: on this host, or in a container through the Docker engine.</summary>
internal interface ITwistcliRun
{
    TwistcliPlacement Placement { get; }

    /// <summary>The paths twistcli sees for the folder, the tarball, twistcli and the CA.</summary>
    TwistcliPaths PathsFor(ScanFolder folder, TarballScanRequest request);

    Task<TwistcliExit> RunAsync(ScanFolder folder, TarballScanRequest request, CancellationToken ct);
}

/// <summary>Keeps at most a bounded tail of what a process prints on stderr, for the failure message.</summary>
internal sealed class StderrTail
{
    const int Limit = 16 * 1024;
    readonly System.Text.StringBuilder _text = new();

    public void Add(string line)
    {
        lock (_text)
        {
            _text.AppendLine(line);
            if (_text.Length > Limit)
                _text.Remove(0, _text.Length - Limit);
        }
    }

    public override string ToString()
    {
        lock (_text)
            return _text.ToString();
    }
}
