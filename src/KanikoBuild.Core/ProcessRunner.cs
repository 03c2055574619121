using System.Diagnostics;
using Serilog;

namespace KanikoBuild;

/// <summary>What to start: the arguments are passed as a list, never joined into one string.</summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables added to (or, with a null value, removed from) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
}

/// <summary>
/// Runs a child process and streams its stdout and stderr line by line as they arrive. Lines go to the
/// given callback or, by default, to the Serilog pipeline, where secrets are masked centrally.
/// </summary>
public static class ProcessRunner
{
    public static async Task<int> RunAsync(ProcessSpec spec, Action<string>? onLine = null, CancellationToken ct = default)
    {
        onLine ??= line => Log.Information("{Output}", line);
        var info = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? string.Empty,
        };
        foreach (var argument in spec.Arguments)
            info.ArgumentList.Add(argument);
        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }

        using var process = new Process { StartInfo = info };
        var gate = new object();
        void Emit(string? line)
        {
            if (line is null)
                return;
            lock (gate)
                onLine(line);
        }
        process.OutputDataReceived += (_, e) => Emit(e.Data);
        process.ErrorDataReceived += (_, e) => Emit(e.Data);

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PipelineException($"Could not start '{spec.FileName}': {e.Message}. Check that it exists and is executable.", e);
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
        // WaitForExitAsync returns once the streams are drained too.
        return process.ExitCode;
    }
}
