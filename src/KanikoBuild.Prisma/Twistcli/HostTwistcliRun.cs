using System.Diagnostics;
using Serilog;

namespace KanikoBuild.Prisma.Twistcli;

/// <summary>twistcli as a child process of the build, through the wrapper script and the host's <c>/bin/sh</c>.</summary>
internal sealed class HostTwistcliRun(string shell, ILogger log) : ITwistcliRun
{
    public TwistcliPlacement Placement => TwistcliPlacement.Host;

    public TwistcliPaths PathsFor(ScanFolder folder, TarballScanRequest request) =>
        new(Path.GetFullPath(request.TwistcliPath), Path.GetFullPath(request.TarballPath), folder.TokenFile,
            Path.Combine(folder.OutputDirectory, ScanFolder.OutputName), request.CaCertificatePath is { } ca ? Path.GetFullPath(ca) : null);

    public async Task<TwistcliExit> RunAsync(ScanFolder folder, TarballScanRequest request, CancellationToken ct)
    {
        var info = new ProcessStartInfo(shell)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(folder.Script);
        foreach (var (name, value) in request.Environment)
            info.Environment[name] = value;
        var stderr = new StderrTail();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
                log.Information("{Output}", line);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
                return;
            stderr.Add(line);
            log.Warning("{Output}", line);
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PipelineException($"Could not start '{shell}' to run twistcli ({e.Message}).", e);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        return new TwistcliExit(process.ExitCode, stderr.ToString());
    }
}
