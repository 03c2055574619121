using System.Text;

namespace KanikoBuild.Prisma.Twistcli;

/// <summary>Where twistcli, the tarball, the token file, the result and the CA are, as the running twistcli sees them.</summary>
internal sealed record TwistcliPaths(string Twistcli, string Tarball, string TokenFile, string OutputFile, string? CaCertificate);

/// <summary>
/// The tiny shell wrapper that runs twistcli: it reads the short-lived Console token from a file into <c>--token</c>,
/// so neither a container's Cmd or Env nor any log line or file KanikoBuild writes holds it (docs/secrets.md §4;
/// twistcli takes a token only on its command line, so while it runs the token is in its process's argv).
/// </summary>
internal static class TwistcliScript
{
    /// <summary>twistcli's arguments; the token as the shell expression that reads it. The tarball comes last (prisma.md §1.1).</summary>
    public static IReadOnlyList<(string Text, bool Quoted)> Arguments(TarballScanRequest request, TwistcliPaths paths)
    {
        var arguments = new List<(string, bool)>
        {
            ("images", true), ("scan", true),
            ("--address", true), (request.Console.ConsoleUrl.ToString().TrimEnd('/'), true),
            ("--token", true), ("\"$token\"", false),
            ("--output-file", true), (paths.OutputFile, true),
            // Always explicit: the default of --publish changed between twistcli versions (prisma.md §1.4).
            (request.Publish ? "--publish=true" : "--publish=false", true),
        };
        if (request.Details)
            arguments.Add(("--details", true));
        if (!string.IsNullOrWhiteSpace(request.Project))
            arguments.AddRange([("--project", true), (request.Project, true)]);
        if (paths.CaCertificate is not null)
            arguments.AddRange([("--tlscacert", true), (paths.CaCertificate, true)]);
        arguments.AddRange([("--tarball", true), (paths.Tarball, true)]);
        return arguments;
    }

    /// <summary>The command as the log shows it: the token is the file it is read from.</summary>
    public static string Display(TarballScanRequest request, TwistcliPaths paths) =>
        $"{paths.Twistcli} " + string.Join(' ', Arguments(request, paths).Select(a => a.Quoted ? a.Text : $"\"$(cat {paths.TokenFile})\""));

    public static string Render(TarballScanRequest request, TwistcliPaths paths)
    {
        var command = new StringBuilder();
        command.Append(Quote(paths.Twistcli));
        foreach (var (text, quoted) in Arguments(request, paths))
            command.Append(' ').Append(quoted ? Quote(text) : text);
        return $$"""
            #!/bin/sh
            # KanikoBuild: one twistcli --tarball run. The Console token is read from a file, so the command that
            # starts this script and its environment are free of it; the file is deleted when the scan ends.
            token="$(cat {{Quote(paths.TokenFile)}})" || { echo "KanikoBuild: cannot read the Console token file" >&2; exit 2; }
            {{command}}
            code=$?
            # twistcli may run as another user than the build (root in a container): let the build read its result.
            [ -f {{Quote(paths.OutputFile)}} ] && chmod a+r {{Quote(paths.OutputFile)}} 2>/dev/null
            exit $code

            """.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>POSIX single quotes: nothing inside is expanded.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
