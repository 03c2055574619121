namespace KanikoBuild.Pipeline.State;

/// <summary>
/// Publishes a value as a CI output where the host supports it: GitHub Actions step outputs
/// (<c>GITHUB_OUTPUT</c>) and a dotenv file GitLab can load with <c>artifacts:reports:dotenv</c>.
/// </summary>
public static class CiOutputs
{
    public static async Task PublishAsync(string name, string value, string dotenvDirectory, CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("GITHUB_OUTPUT") is { Length: > 0 } githubOutput)
            await File.AppendAllTextAsync(githubOutput, $"{name}={value}\n", ct).ConfigureAwait(false);

        Directory.CreateDirectory(dotenvDirectory);
        var variable = name.Replace('-', '_').ToUpperInvariant();
        var dotenv = Path.Combine(dotenvDirectory, "outputs.env");
        var lines = File.Exists(dotenv)
            ? (await File.ReadAllLinesAsync(dotenv, ct).ConfigureAwait(false)).Where(l => !l.StartsWith(variable + "=", StringComparison.Ordinal)).ToList()
            : [];
        lines.Add($"{variable}={value}");
        await File.WriteAllLinesAsync(dotenv, lines, ct).ConfigureAwait(false);
    }
}
