using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KanikoBuild.Dockerfiles;

/// <summary>
/// Turns any Dockerfile into a scan Dockerfile: the original, untouched except for an <c>AS</c> name on the scanned
/// stage when it has none, followed by a stage built FROM it that runs <c>twistcli images scan --containerized</c> as
/// root. Build it with <see cref="InstrumentedDockerfile.ScanStage"/> as the target. With
/// <see cref="ScanStageOptions.InStage"/> and the last stage scanned, the scan step (the same <c>USER ""</c> and
/// <c>RUN</c>) ends that stage instead, and the stage is the target.
/// </summary>
public static partial class ScanInstrumenter
{
    public const string ScanStageName = "kanikobuild-scan";
    public const string ToolsStageName = "kanikobuild-scan-tools";
    public const string ScannedStageName = "kanikobuild-scanned";

    /// <summary>
    /// The scan stage's USER: empty, not <c>0:0</c>, so that the scan runs as the builder's root without any user
    /// lookup. Why (kaniko v1.24 and the osscontainertools fork, read in their sources):
    /// <list type="bullet">
    /// <item><c>pkg/commands/user.go</c> splits the USER text at ':' and expands each part; <c>""</c> expands to an
    /// empty user part (v1.24 stores "", the fork ":0").</item>
    /// <item><c>pkg/commands/run.go</c> expands the user part of the stored user again and only when it is not empty
    /// calls <c>util.SyscallCredentials</c>; an empty one runs the command as the executor process, which is root
    /// (uid 0, gid 0) in the executor image, with HOME=/root.</item>
    /// <item>Any non-empty user that means root (<c>0</c>, <c>0:0</c>, <c>root</c>) fails where the scanned stage has no
    /// /etc/group (every FROM scratch image): <c>pkg/util/syscall_credentials.go</c> looks the user up
    /// (<c>pkg/util/command_util.go</c> LookupUser), Go's cgo-free os/user answers uid 0 from the process identity
    /// with gid 0, and <c>pkg/util/groupids_fallback.go</c> then opens the stage's /etc/group: "credentials: group ids
    /// for user: open: open /etc/group: no such file or directory" before twistcli starts.</item>
    /// <item>The Docker builder (legacy and BuildKit) treats an empty USER as the default user, root, too.</item>
    /// </list>
    /// The scanned filesystem is untouched: USER only changes the config of the scan stage, never shipped.
    /// </summary>
    public const string ResetUser = "USER \"\"";

    static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"^/[A-Za-z0-9._/-]+$")]
    private static partial Regex SafePathPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex ReportIdPattern();

    [GeneratedRegex(@"^[^\s""'\\`$]+$")]
    private static partial Regex ImageReferencePattern();

    public static InstrumentedDockerfile Instrument(Dockerfile dockerfile, ScanStageOptions options)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var target = SelectStage(dockerfile, options.Stage);
        var last = dockerfile.Instructions[^1];
        if (last.EndsInContinuation)
        {
            throw new DockerfileSyntaxException(dockerfile.Path, last.Line,
                $"the file ends inside a line continuation (the last line of this {last.Keyword} ends with '{dockerfile.EscapeCharacter}'); expected the instruction to end, so that nothing can be appended to it");
        }

        var names = new HashSet<string>(dockerfile.Stages.Where(s => s.Name is not null).Select(s => s.Name!), StringComparer.OrdinalIgnoreCase);
        var text = dockerfile.Text;
        // Builders keep stage names in lower case, so the reference is lower case whatever the file wrote.
        var scannedName = target.Name?.ToLowerInvariant();
        if (scannedName is null)
        {
            // FROM cannot name a stage by index, so the scan stage needs a name to build FROM.
            scannedName = Unique(ScannedStageName, names);
            var at = NameInsertionOffset(dockerfile, target.From);
            text = string.Concat(text.AsSpan(0, at), " AS ", scannedName, text.AsSpan(at));
        }
        // In the stage itself when it is the last one: kaniko then scans the filesystem it just built, instead of
        // saving the stage as a tarball, deleting the filesystem and unpacking it again for a stage built FROM it.
        var inStage = options.InStage && target.Index == dockerfile.Stages.Count - 1;
        var scanStage = inStage ? scannedName : Unique(ScanStageName, names);
        var toolsStage = options.ToolsImage is null ? null : Unique(ToolsStageName, names);
        var reportId = options.ReportId ?? ReportIds.New();
        var result = $"{options.ToolsDirectory}/{ScanToolsLayout.ResultFile(reportId)}";
        // A stage's own ONBUILD triggers never run in it; only a stage built FROM it would run them.
        var skipsTriggers = !inStage && target.OnBuildTriggers.Any();

        var nl = dockerfile.LineEnding;
        var appended = new StringBuilder();
        if (text.Length > 0 && !text.EndsWith('\n'))
            appended.Append(nl);
        if (inStage)
        {
            appended.Append(nl)
                .Append("# Added by KanikoBuild: twistcli scans stage '").Append(scannedName).Append("' as its last step (build target: ").Append(scanStage)
                .Append("). Only the scan build runs these lines; the released image is built from the original Dockerfile.").Append(nl);
        }
        else
        {
            appended.Append(nl)
                .Append("# Added by KanikoBuild: twistcli scans stage '").Append(scannedName).Append("' (build target: ").Append(scanStage)
                .Append("). Never part of a released image.").Append(nl);
        }
        if (toolsStage is not null)
            appended.Append("FROM ").Append(options.ToolsImage).Append(" AS ").Append(toolsStage).Append(nl);
        if (skipsTriggers)
        {
            // Building FROM the stage would run its ONBUILD triggers, which belong to downstream images, not to this one.
            appended.Append("FROM scratch AS ").Append(scanStage).Append(nl)
                .Append("COPY --from=").Append(scannedName).Append(" / /").Append(nl);
        }
        else if (!inStage)
        {
            appended.Append("FROM ").Append(scannedName).Append(" AS ").Append(scanStage).Append(nl);
        }
        appended.Append(ResetUser).Append(nl);
        if (toolsStage is not null)
            appended.Append("COPY --from=").Append(toolsStage).Append(' ').Append(options.ToolsDirectory).Append(' ').Append(options.ToolsDirectory).Append(nl);
        var run = new[] { options.ShellPath, "-c", ScanScript(options, reportId, result) };
        appended.Append("RUN ").Append(JsonSerializer.Serialize(run, s_json)).Append(nl);

        return new InstrumentedDockerfile
        {
            Text = text + appended,
            ScannedStage = scannedName,
            ScannedStageIndex = target.Index,
            ScanStage = scanStage,
            ResultPathInBuild = result,
            ResultRelativePath = ScanToolsLayout.ResultFile(reportId),
            ReportId = reportId,
            SkipsOnBuildTriggers = skipsTriggers,
            AddedStageName = target.Name is null,
            ScansInStage = inStage,
        };
    }

    /// <summary>The stage named by <paramref name="stage"/> (name or 0-based index), or the last one.</summary>
    public static Stage SelectStage(Dockerfile dockerfile, string? stage)
    {
        if (string.IsNullOrWhiteSpace(stage))
            return dockerfile.Stages[^1];
        return dockerfile.FindStage(stage.Trim()) ?? throw new PipelineException(
            $"Unknown stage '{stage}' in {dockerfile.Path ?? "the Dockerfile"}; --stage takes a stage name or a 0-based index. Stages: " +
            string.Join(", ", dockerfile.Stages.Select(s => s.Name is null ? $"{s.Index}" : $"{s.Index} ({s.Name})")) + ".");
    }

    /// <summary>
    /// The shell step: reads the token with shell built-ins only (the scanned image may have no cat, no PATH), then
    /// replaces itself with twistcli so its exit code is the step's. The token never appears in the Dockerfile.
    /// </summary>
    static string ScanScript(ScanStageOptions options, string reportId, string resultPath)
    {
        var tools = options.ToolsDirectory;
        var tokenFile = $"{tools}/{ScanToolsLayout.TokenFile}";
        var script = new StringBuilder();
        script.Append("set -e; t=").Append(tokenFile).Append("; ")
            .Append("if [ ! -r \"$t\" ]; then echo \"kanikobuild: no Console token at $t: the scan tools folder is not in the build\" >&2; exit 1; fi; ")
            .Append("token=; IFS= read -r token < \"$t\" || [ -n \"$token\" ]; ");
        if (options.JobName is not null)
            script.Append("export JOB_NAME=").Append(Quote(options.JobName)).Append("; ");
        script.Append("exec ").Append(tools).Append('/').Append(ScanToolsLayout.Twistcli)
            .Append(" images scan --containerized --address ").Append(Quote(options.ConsoleAddress))
            .Append(" --details --output-file ").Append(resultPath)
            .Append(" --publish=").Append(options.Publish ? "true" : "false");
        if (!string.IsNullOrEmpty(options.Project))
            script.Append(" --project ").Append(Quote(options.Project));
        if (options.CaCertificate)
            script.Append(" --tlscacert ").Append(tools).Append('/').Append(ScanToolsLayout.CaCertificate);
        script.Append(" --token \"$token\" ").Append(reportId);
        return script.ToString();
    }

    static string Quote(string value) => "'" + value.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";

    static void Validate(ScanStageOptions options)
    {
        if (!Uri.TryCreate(options.ConsoleAddress, UriKind.Absolute, out var address) || address.Scheme is not ("https" or "http") || HasControl(options.ConsoleAddress))
            throw new PipelineException($"Console address '{options.ConsoleAddress}' is not an http(s) URL; check --console-url (e.g. https://console.example.com:8083).");
        if (!SafePathPattern().IsMatch(options.ToolsDirectory))
            throw new PipelineException($"Scan tools directory '{options.ToolsDirectory}' must be an absolute path of letters, digits, '.', '_', '-' and '/'.");
        if (!SafePathPattern().IsMatch(options.ShellPath))
            throw new PipelineException($"Shell path '{options.ShellPath}' must be an absolute path of letters, digits, '.', '_', '-' and '/'.");
        if (options.ReportId is not null && !ReportIdPattern().IsMatch(options.ReportId))
            throw new PipelineException($"Report id '{options.ReportId}' must be letters, digits, '.', '_' and '-' (at most 128).");
        if (options.ToolsImage is not null && !ImageReferencePattern().IsMatch(options.ToolsImage))
            throw new PipelineException($"Tools image '{options.ToolsImage}' is not an image reference.");
        if (options.ToolsImage is not null && options.InStage)
            throw new PipelineException("The scan step can run in the scanned stage only where the builder mounts the tools folder (kaniko); with a tools image it needs a stage of its own.");
        if (options.Project is not null && HasControl(options.Project))
            throw new PipelineException("Console project must be a single line of text; check --console-project.");
        if (options.JobName is not null && HasControl(options.JobName))
            throw new PipelineException("Job name must be a single line of text.");
    }

    static bool HasControl(string value) => value.Any(char.IsControl);

    static string Unique(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var n = 2; taken.Contains(candidate); n++)
            candidate = $"{name}-{n}";
        taken.Add(candidate);
        return candidate;
    }

    /// <summary>Right after the image word of a FROM without a name: the end of its last content line, before any escape, comment or line ending.</summary>
    static int NameInsertionOffset(Dockerfile dockerfile, Instruction from)
    {
        var text = dockerfile.Text;
        var end = from.CommandEndOffset;
        var lineStart = from.StartOffset;
        // Walk back over trailing continuation lines that hold only comments or blanks.
        while (true)
        {
            var contentEnd = end;
            if (contentEnd > lineStart && text[contentEnd - 1] == '\n')
                contentEnd--;
            if (contentEnd > lineStart && text[contentEnd - 1] == '\r')
                contentEnd--;
            var start = text.LastIndexOf('\n', Math.Max(contentEnd - 1, lineStart)) + 1;
            if (start < lineStart)
                start = lineStart;
            var line = text[start..contentEnd];
            var trimmed = line.TrimStart(' ', '\t');
            if ((trimmed.Length == 0 || trimmed.StartsWith('#')) && start > lineStart)
            {
                end = start;
                continue;
            }
            var at = start + line.TrimEnd(' ', '\t').Length;
            if (at > start && text[at - 1] == dockerfile.EscapeCharacter)
            {
                // "FROM \\\n  image" ends with the image on a later line; an escape on the last line is only possible at EOF, rejected earlier.
                at--;
                while (at > start && text[at - 1] is ' ' or '\t')
                    at--;
            }
            return at;
        }
    }
}
