namespace KanikoBuild.Dockerfiles;

/// <summary>
/// A parsed Dockerfile that keeps its source exactly: <see cref="ToString"/> returns the original text, and the
/// <see cref="Nodes"/> (directives, comments, blank lines, instructions) concatenate to it byte for byte.
/// </summary>
public sealed class Dockerfile
{
    internal Dockerfile(string text, string? path, char escapeCharacter, IReadOnlyList<ParserDirective> directives,
        IReadOnlyList<DockerfileNode> nodes, IReadOnlyList<Instruction> instructions, IReadOnlyList<BuildArgument> metaArguments,
        IReadOnlyList<Stage> stages)
    {
        Text = text;
        Path = path;
        EscapeCharacter = escapeCharacter;
        Directives = directives;
        Nodes = nodes;
        Instructions = instructions;
        MetaArguments = metaArguments;
        Stages = stages;
    }

    /// <summary>The source, unchanged.</summary>
    public string Text { get; }

    /// <summary>Where the text came from (for messages), or null.</summary>
    public string? Path { get; }

    /// <summary><c>\</c> by default, or <c>`</c> with <c># escape=`</c>.</summary>
    public char EscapeCharacter { get; }

    public IReadOnlyList<ParserDirective> Directives { get; }

    public IReadOnlyList<DockerfileNode> Nodes { get; }

    /// <summary>Every instruction in file order, including the ARGs before the first FROM.</summary>
    public IReadOnlyList<Instruction> Instructions { get; }

    /// <summary>The <c>ARG</c>s declared before the first <c>FROM</c>: only they can be used in <c>FROM</c> lines.</summary>
    public IReadOnlyList<BuildArgument> MetaArguments { get; }

    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>The line ending the file uses (<c>\r\n</c> when its first line ends so, else <c>\n</c>).</summary>
    public string LineEnding => Text.IndexOf('\n') is var i and > 0 && Text[i - 1] == '\r' ? "\r\n" : "\n";

    /// <summary>A stage by name (case-insensitive, as builders compare them) or by 0-based index, or null.</summary>
    public Stage? FindStage(string nameOrIndex)
    {
        var byName = Stages.FirstOrDefault(s => s.Name is not null && string.Equals(s.Name, nameOrIndex, StringComparison.OrdinalIgnoreCase));
        if (byName is not null)
            return byName;
        return int.TryParse(nameOrIndex, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            && index < Stages.Count ? Stages[index] : null;
    }

    public override string ToString() => Text;
}

/// <summary>A parser directive at the top of the file, e.g. <c># escape=`</c> or <c># syntax=docker/dockerfile:1</c>.</summary>
public sealed record ParserDirective(string Name, string Value, int Line);

public enum DockerfileNodeKind
{
    Directive,
    Comment,
    BlankLine,
    Instruction,
}

/// <summary>A slice of the source: one directive, comment or blank line, or one whole instruction (with its continuation lines and heredoc bodies).</summary>
public sealed record DockerfileNode(DockerfileNodeKind Kind, int StartOffset, int Length, int Line, string Text)
{
    public Instruction? Instruction { get; init; }
}

/// <summary>An <c>ARG name[=default]</c> declaration.</summary>
public sealed record BuildArgument(string Name, string? DefaultValue, int Line);

/// <summary>A heredoc body of a RUN, COPY or ADD (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>, <c>&lt;&lt;"EOF"</c>).</summary>
public sealed record Heredoc(string Delimiter, string Content, bool StripLeadingTabs, bool Quoted, int Line, int? FileDescriptor);

/// <summary>A <c>--name=value</c> flag of an instruction (<c>FROM --platform</c>, <c>COPY --from</c>, <c>RUN --mount</c>…).</summary>
public sealed record InstructionFlag(string Name, string? Value);

/// <summary>One instruction: the keyword in any case, its flags, its arguments in shell or JSON (exec) form.</summary>
public sealed class Instruction
{
    internal Instruction() { }

    /// <summary>Upper-case keyword (<c>RUN</c>), whatever case the file uses.</summary>
    public required string Keyword { get; init; }

    /// <summary>The keyword as written (<c>run</c>, <c>Run</c>…).</summary>
    public required string KeywordAsWritten { get; init; }

    /// <summary>1-based line the instruction starts on.</summary>
    public required int Line { get; init; }

    /// <summary>1-based last line (continuations and heredoc bodies included).</summary>
    public required int EndLine { get; init; }

    public required int StartOffset { get; init; }

    /// <summary>The raw source of the instruction, unchanged.</summary>
    public required string Text { get; init; }

    /// <summary>Everything after the keyword on the logical line (continuations joined, inner comments dropped), trimmed.</summary>
    public required string Arguments { get; init; }

    public required IReadOnlyList<InstructionFlag> Flags { get; init; }

    /// <summary>The arguments after the flags.</summary>
    public required string Body { get; init; }

    /// <summary>The JSON array when the instruction is in exec form (<c>["a", "b"]</c>), else null.</summary>
    public IReadOnlyList<string>? ExecForm { get; init; }

    public bool IsExecForm => ExecForm is not null;

    public IReadOnlyList<Heredoc> Heredocs { get; init; } = [];

    /// <summary>For <c>ONBUILD X</c>, the trigger instruction X.</summary>
    public Instruction? Trigger { get; init; }

    /// <summary>The stage the instruction belongs to (null for ARGs before the first FROM).</summary>
    public int? StageIndex { get; internal set; }

    /// <summary>The last line that belongs to the instruction itself rather than to a heredoc body, and whether the source ends inside a continuation.</summary>
    internal int CommandEndOffset { get; init; }

    internal bool EndsInContinuation { get; init; }

    public string? Flag(string name) =>
        Flags.LastOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    public override string ToString() => Text;
}

/// <summary>A build stage: a <c>FROM</c> and the instructions up to the next one.</summary>
public sealed class Stage
{
    internal Stage() { }

    /// <summary>0-based index, as <c>COPY --from=N</c> counts.</summary>
    public required int Index { get; init; }

    /// <summary>The <c>AS</c> name as written, or null.</summary>
    public string? Name { get; init; }

    /// <summary>The image (or earlier stage) after <c>FROM</c> as written, possibly with <c>$ARG</c>s.</summary>
    public required string BaseImage { get; init; }

    public string? Platform { get; init; }

    public required Instruction From { get; init; }

    /// <summary>The stage's instructions after its FROM.</summary>
    public required IReadOnlyList<Instruction> Instructions { get; init; }

    /// <summary>The earlier stage this one is built FROM, when <see cref="BaseImage"/> (with ARG defaults) names one.</summary>
    public Stage? BaseStage { get; internal set; }

    /// <summary>The base image with the meta ARGs substituted: defaults, overridden by <paramref name="buildArguments"/>.</summary>
    public string ResolveBaseImage(Dockerfile dockerfile, IReadOnlyDictionary<string, string>? buildArguments = null) =>
        ArgumentExpander.Expand(BaseImage, ArgumentExpander.MetaScope(dockerfile.MetaArguments, buildArguments));

    /// <summary>The stage's own ONBUILD triggers (recorded into its image config, run by whatever builds FROM it).</summary>
    public IEnumerable<Instruction> OnBuildTriggers => Instructions.Where(i => i.Keyword == "ONBUILD");

    public string DisplayName => Name is null ? $"#{Index}" : $"'{Name}'";

    public override string ToString() => Name ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
