using System.Diagnostics;

namespace KanikoBuild.Testing;

/// <summary>Runs a command for test set-up and returns its output; a non-zero exit fails with the output.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, Stream? standardInput = null, CancellationToken ct = default)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        if (standardInput is not null)
        {
            await standardInput.CopyToAsync(process.StandardInput.BaseStream, ct);
            process.StandardInput.Close();
        }
        await process.WaitForExitAsync(ct);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static async Task<string> RunCheckedAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, Stream? standardInput = null, CancellationToken ct = default)
    {
        var args = arguments.ToList();
        var result = await RunAsync(fileName, args, workingDirectory, environment, standardInput, ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', args)}' exited with {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }
}
