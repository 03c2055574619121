using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KanikoBuild.Dockerfiles;

/// <summary>
/// Reads a Dockerfile the way BuildKit's frontend does (directives, escape character, continuations with
/// comments and blank lines inside them, heredocs, exec and shell forms, any keyword case) while keeping
/// every byte of the source, so that an instrumented file differs from the original only where it must.
/// </summary>
public static partial class DockerfileParser
{
    internal static readonly string[] Keywords =
    [
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
        "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    ];

    static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    static readonly HashSet<string> s_keywords = new(Keywords, StringComparer.Ordinal);
    static readonly HashSet<string> s_flagged = new(["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"], StringComparer.Ordinal);
    static readonly HashSet<string> s_heredocCapable = new(["RUN", "COPY", "ADD"], StringComparer.Ordinal);
    static readonly HashSet<string> s_knownDirectives = new(["escape", "syntax", "check"], StringComparer.Ordinal);

    /// <summary>Parses <paramref name="text"/>; <paramref name="path"/> only names the file in error messages.</summary>
    /// <exception cref="DockerfileSyntaxException">The text is not a valid Dockerfile; the message has the line and what was expected.</exception>
    public static Dockerfile Parse(string text, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Reader(text, path).Read();
    }

    /// <summary>Reads and parses a Dockerfile from disk; a missing or unreadable file is a <see cref="PipelineException"/>.</summary>
    public static async Task<Dockerfile> LoadAsync(string path, CancellationToken ct = default)
    {
        string text;
        try
        {
            // Decoded without dropping a byte-order mark, so that the instrumented file keeps the original bytes.
            text = s_utf8.GetString(await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PipelineException($"Dockerfile '{path}' does not exist; check --dockerfile (default: 'Dockerfile' in the build context).", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new PipelineException($"Dockerfile '{path}' is not UTF-8 text; save it as UTF-8.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipelineException($"Dockerfile '{path}' could not be read: {e.Message}; check the path and its permissions.", e);
        }
        return Parse(text, path);
    }

    [GeneratedRegex(@"^#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*$")]
    private static partial Regex DirectivePattern();

    [GeneratedRegex(@"^(\d*)<<(-?)([^<].*)$", RegexOptions.Singleline)]
    private static partial Regex HeredocPattern();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9_.-]*$")]
    private static partial Regex StageNamePattern();

    sealed class Reader(string text, string? path)
    {
        readonly List<(int Start, int ContentLength, int FullLength)> _lines = SplitLines(text);
        readonly List<DockerfileNode> _nodes = [];
        readonly List<Instruction> _instructions = [];
        readonly List<ParserDirective> _directives = [];
        readonly List<BuildArgument> _metaArguments = [];
        readonly List<StageDraft> _stages = [];
        char _escape = '\\';

        sealed class StageDraft
        {
            public required Instruction From;
            public required string BaseImage;
            public string? Name;
            public string? Platform;
            public readonly List<Instruction> Instructions = [];
        }

        public Dockerfile Read()
        {
            var i = ReadDirectives();
            while (i < _lines.Count)
            {
                if (IsBlank(i))
                    i = AddTrivia(DockerfileNodeKind.BlankLine, i);
                else if (IsComment(i))
                    i = AddTrivia(DockerfileNodeKind.Comment, i);
                else
                    i = ReadInstruction(i);
            }
            if (_stages.Count == 0)
            {
                throw new DockerfileSyntaxException(path, Math.Max(1, _lines.Count),
                    "no FROM instruction; expected at least one 'FROM <image>' (only ARG, comments and parser directives may come before it)");
            }
            return Build();
        }

        Dockerfile Build()
        {
            var stages = new List<Stage>();
            foreach (var draft in _stages)
            {
                stages.Add(new Stage
                {
                    Index = stages.Count,
                    Name = draft.Name,
                    BaseImage = draft.BaseImage,
                    Platform = draft.Platform,
                    From = draft.From,
                    Instructions = draft.Instructions,
                });
            }
            var dockerfile = new Dockerfile(text, path, _escape, _directives, _nodes, _instructions, _metaArguments, stages);
            foreach (var stage in stages)
            {
                var baseName = stage.ResolveBaseImage(dockerfile);
                stage.BaseStage = stages.Take(stage.Index).FirstOrDefault(s => s.Name is not null && string.Equals(s.Name, baseName, StringComparison.OrdinalIgnoreCase));
            }
            return dockerfile;
        }

        int ReadDirectives()
        {
            var i = 0;
            while (i < _lines.Count)
            {
                var match = DirectivePattern().Match(Content(i));
                if (!match.Success)
                    break;
                var name = match.Groups[1].Value.ToLowerInvariant();
                // An unknown directive is a comment, and a comment ends the directives (BuildKit's rule).
                if (!s_knownDirectives.Contains(name))
                    break;
                var value = match.Groups[2].Value;
                if (_directives.Any(d => d.Name == name))
                    throw new DockerfileSyntaxException(path, i + 1, $"the '{name}' parser directive is given twice; expected it at most once");
                if (name == "escape")
                {
                    if (value is not ("\\" or "`"))
                        throw new DockerfileSyntaxException(path, i + 1, $"invalid escape character '{value}'; expected '\\' or '`'");
                    _escape = value[0];
                }
                _directives.Add(new ParserDirective(name, value, i + 1));
                i = AddTrivia(DockerfileNodeKind.Directive, i);
            }
            return i;
        }

        int AddTrivia(DockerfileNodeKind kind, int line)
        {
            var (start, _, full) = _lines[line];
            _nodes.Add(new DockerfileNode(kind, start, full, line + 1, text.Substring(start, full)));
            return line + 1;
        }

        int ReadInstruction(int first)
        {
            var logical = new StringBuilder();
            var i = first;
            var endsInContinuation = false;
            int commandEnd;
            while (true)
            {
                var content = Content(i);
                var trimmed = content.TrimEnd(' ', '\t');
                commandEnd = LineEnd(i);
                i++;
                if (trimmed.Length == 0 || trimmed[^1] != _escape)
                {
                    logical.Append(content);
                    break;
                }
                logical.Append(trimmed, 0, trimmed.Length - 1);
                // Blank lines and comments inside a continuation belong to the instruction but not to its value.
                while (i < _lines.Count && (IsBlank(i) || IsComment(i)))
                    i++;
                if (i >= _lines.Count)
                {
                    endsInContinuation = true;
                    break;
                }
            }

            var line = first + 1;
            var (keywordAsWritten, arguments) = SplitKeyword(logical.ToString());
            var keyword = keywordAsWritten.ToUpperInvariant();
            if (!s_keywords.Contains(keyword))
            {
                throw new DockerfileSyntaxException(path, line,
                    $"unknown instruction '{keywordAsWritten}'; expected one of {string.Join(", ", Keywords)}" +
                    (endsInContinuation ? "" : " (or a line continuation on the line before)"));
            }
            var (flags, body) = s_flagged.Contains(keyword) ? SplitFlags(arguments) : ([], arguments);
            var execForm = TryExecForm(body);
            var heredocs = new List<Heredoc>();
            if (s_heredocCapable.Contains(keyword) && execForm is null)
            {
                foreach (var (delimiter, strip, quoted, descriptor) in FindHeredocMarkers(body))
                    i = ReadHeredoc(i, line, delimiter, strip, quoted, descriptor, heredocs);
            }

            Instruction? trigger = null;
            if (keyword == "ONBUILD")
                trigger = ReadTrigger(arguments, line, first, commandEnd);

            var start = _lines[first].Start;
            var end = LineEnd(i - 1);
            var instruction = new Instruction
            {
                Keyword = keyword,
                KeywordAsWritten = keywordAsWritten,
                Line = line,
                EndLine = i,
                StartOffset = start,
                Text = text[start..end],
                Arguments = arguments,
                Flags = flags,
                Body = body,
                ExecForm = execForm,
                Heredocs = heredocs,
                Trigger = trigger,
                CommandEndOffset = commandEnd,
                EndsInContinuation = endsInContinuation,
            };
            Validate(instruction);
            Place(instruction);
            _nodes.Add(new DockerfileNode(DockerfileNodeKind.Instruction, start, end - start, line, instruction.Text) { Instruction = instruction });
            return i;
        }

        Instruction ReadTrigger(string arguments, int line, int first, int commandEnd)
        {
            var (innerAsWritten, innerArguments) = SplitKeyword(arguments);
            var inner = innerAsWritten.ToUpperInvariant();
            if (inner.Length == 0)
                throw new DockerfileSyntaxException(path, line, "ONBUILD needs an instruction; expected 'ONBUILD <instruction>', e.g. 'ONBUILD COPY . /app'");
            if (inner is "ONBUILD" or "FROM" or "MAINTAINER")
                throw new DockerfileSyntaxException(path, line, $"ONBUILD cannot trigger {inner}; expected another instruction such as RUN, COPY or ENV");
            if (!s_keywords.Contains(inner))
                throw new DockerfileSyntaxException(path, line, $"unknown instruction '{innerAsWritten}' after ONBUILD; expected one of {string.Join(", ", Keywords)}");
            var (flags, body) = s_flagged.Contains(inner) ? SplitFlags(innerArguments) : ([], innerArguments);
            var trigger = new Instruction
            {
                Keyword = inner,
                KeywordAsWritten = innerAsWritten,
                Line = line,
                EndLine = line,
                StartOffset = _lines[first].Start,
                Text = arguments,
                Arguments = innerArguments,
                Flags = flags,
                Body = body,
                ExecForm = TryExecForm(body),
                CommandEndOffset = commandEnd,
            };
            Validate(trigger);
            return trigger;
        }

        int ReadHeredoc(int i, int line, string delimiter, bool stripTabs, bool quoted, int? descriptor, List<Heredoc> heredocs)
        {
            var startLine = i + 1;
            var content = new StringBuilder();
            while (true)
            {
                if (i >= _lines.Count)
                {
                    throw new DockerfileSyntaxException(path, line,
                        $"unterminated heredoc '<<{(stripTabs ? "-" : "")}{delimiter}'; expected a line '{delimiter}' to close it before the end of the file");
                }
                var raw = Content(i);
                var candidate = stripTabs ? raw.TrimStart('\t') : raw;
                i++;
                if (candidate == delimiter)
                    break;
                content.Append(candidate).Append('\n');
            }
            heredocs.Add(new Heredoc(delimiter, content.ToString(), stripTabs, quoted, startLine, descriptor));
            return i;
        }

        void Validate(Instruction instruction)
        {
            var line = instruction.Line;
            var keyword = instruction.Keyword;
            if (instruction.Arguments.Length == 0 && keyword is not ("CMD" or "ENTRYPOINT"))
                throw new DockerfileSyntaxException(path, line, $"{keyword} needs arguments; expected {Usage(keyword)}");
            switch (keyword)
            {
                case "SHELL" when instruction.ExecForm is not { Count: > 0 }:
                    throw new DockerfileSyntaxException(path, line, "SHELL must be in JSON form; expected e.g. SHELL [\"/bin/sh\", \"-c\"]");
                case "COPY" or "ADD":
                    var count = instruction.ExecForm?.Count ?? Words(instruction.Body).Count;
                    if (count < 2 && instruction.Heredocs.Count == 0)
                        throw new DockerfileSyntaxException(path, line, $"{keyword} needs a source and a destination; expected {Usage(keyword)}");
                    break;
                case "RUN" when instruction.ExecForm is { Count: 0 }:
                    throw new DockerfileSyntaxException(path, line, "RUN has an empty JSON array; expected RUN [\"executable\", \"arg\"…] or a shell command");
            }
        }

        void Place(Instruction instruction)
        {
            _instructions.Add(instruction);
            var line = instruction.Line;
            if (instruction.Keyword == "FROM")
            {
                _stages.Add(ReadFrom(instruction));
                instruction.StageIndex = _stages.Count - 1;
                return;
            }
            if (_stages.Count == 0)
            {
                if (instruction.Keyword != "ARG")
                {
                    throw new DockerfileSyntaxException(path, line,
                        $"{instruction.Keyword} comes before the first FROM; expected 'FROM <image>' here (only ARG may come before it)");
                }
                _metaArguments.AddRange(ReadArgs(instruction));
                return;
            }
            if (instruction.Keyword == "ARG")
                _ = ReadArgs(instruction);
            instruction.StageIndex = _stages.Count - 1;
            _stages[^1].Instructions.Add(instruction);
        }

        StageDraft ReadFrom(Instruction from)
        {
            var line = from.Line;
            foreach (var flag in from.Flags)
            {
                if (!string.Equals(flag.Name, "platform", StringComparison.OrdinalIgnoreCase))
                    throw new DockerfileSyntaxException(path, line, $"FROM does not take the flag '--{flag.Name}'; expected {Usage("FROM")}");
            }
            var words = Words(from.Body);
            string? name = null;
            if (words.Count == 3 && string.Equals(words[1], "AS", StringComparison.OrdinalIgnoreCase))
                name = words[2];
            else if (words.Count != 1)
                throw new DockerfileSyntaxException(path, line, $"FROM has {(words.Count == 0 ? "no image" : $"unexpected words '{from.Body}'")}; expected {Usage("FROM")}");
            if (name is not null)
            {
                if (!StageNamePattern().IsMatch(name))
                {
                    throw new DockerfileSyntaxException(path, line,
                        $"invalid stage name '{name}'; expected a name that starts with a letter and has only letters, digits, '-', '_' and '.'");
                }
                var clash = _stages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
                if (clash is not null)
                    throw new DockerfileSyntaxException(path, line, $"the stage name '{name}' is already used by the stage on line {clash.From.Line}; expected a unique name");
            }
            return new StageDraft { From = from, BaseImage = words[0], Name = name, Platform = from.Flag("platform") };
        }

        IEnumerable<BuildArgument> ReadArgs(Instruction arg)
        {
            var result = new List<BuildArgument>();
            foreach (var word in Words(arg.Body))
            {
                var equals = word.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? word : word[..equals];
                if (name.Length == 0 || name.Contains('$', StringComparison.Ordinal))
                    throw new DockerfileSyntaxException(path, arg.Line, $"ARG has an invalid name in '{word}'; expected ARG <name>[=<default value>]");
                result.Add(new BuildArgument(name, equals < 0 ? null : Unquote(word[(equals + 1)..]), arg.Line));
            }
            return result;
        }

        static string Usage(string keyword) => keyword switch
        {
            "FROM" => "'FROM [--platform=<platform>] <image> [AS <name>]'",
            "COPY" or "ADD" => $"'{keyword} [--flags] <source>… <destination>' or '{keyword} [\"<source>\",… \"<destination>\"]'",
            "ARG" => "'ARG <name>[=<default value>]'",
            "ONBUILD" => "'ONBUILD <instruction>'",
            _ => $"'{keyword} <arguments>'",
        };

        (string Keyword, string Arguments) SplitKeyword(string logical)
        {
            var trimmed = logical.TrimStart(' ', '\t', '\uFEFF');
            var end = 0;
            while (end < trimmed.Length && !char.IsWhiteSpace(trimmed[end]))
                end++;
            return (trimmed[..end], trimmed[end..].Trim());
        }

        static (IReadOnlyList<InstructionFlag> Flags, string Body) SplitFlags(string arguments)
        {
            var flags = new List<InstructionFlag>();
            var rest = arguments;
            while (rest.StartsWith("--", StringComparison.Ordinal))
            {
                var end = 0;
                while (end < rest.Length && !char.IsWhiteSpace(rest[end]))
                    end++;
                var word = rest[2..end];
                var equals = word.IndexOf('=', StringComparison.Ordinal);
                flags.Add(equals < 0 ? new InstructionFlag(word, null) : new InstructionFlag(word[..equals], word[(equals + 1)..]));
                rest = rest[end..].TrimStart();
            }
            return (flags, rest);
        }

        static IReadOnlyList<string>? TryExecForm(string body)
        {
            if (!body.StartsWith('['))
                return null;
            try
            {
                // A line that only looks like JSON is a shell command, as in Docker.
                return JsonSerializer.Deserialize<List<string>>(body);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        /// <summary>Heredoc markers (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>, <c>&lt;&lt;'EOF'</c>, <c>3&lt;&lt;EOF</c>) among the words outside quotes.</summary>
        IEnumerable<(string Delimiter, bool StripTabs, bool Quoted, int? Descriptor)> FindHeredocMarkers(string body)
        {
            foreach (var word in Words(body))
            {
                var match = HeredocPattern().Match(word);
                if (!match.Success)
                    continue;
                var raw = match.Groups[3].Value;
                var quoted = raw.Length >= 2 && (raw[0] is '"' or '\'') && raw[^1] == raw[0];
                var delimiter = quoted ? raw[1..^1] : raw;
                if (delimiter.Length == 0)
                    continue;
                int? descriptor = match.Groups[1].Value.Length > 0 ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
                yield return (delimiter, match.Groups[2].Value == "-", quoted, descriptor);
            }
        }

        /// <summary>
        /// Splits on whitespace outside quotes; quotes and escapes stay in the words, so that a quoted <c>&lt;&lt;</c> is not a
        /// marker. Like BuildKit's word splitter, a marker counts only at the start of a word (<c>cat&lt;&lt;EOF</c> is not one).
        /// </summary>
        List<string> Words(string body)
        {
            var words = new List<string>();
            var current = new StringBuilder();
            var wordStarted = false;
            char? quote = null;
            for (var k = 0; k < body.Length; k++)
            {
                var c = body[k];
                if (quote is null && char.IsWhiteSpace(c))
                {
                    if (wordStarted)
                        words.Add(current.ToString());
                    current.Clear();
                    wordStarted = false;
                    continue;
                }
                wordStarted = true;
                current.Append(c);
                if (c == _escape && quote != '\'' && k + 1 < body.Length)
                {
                    current.Append(body[++k]);
                    continue;
                }
                if (quote is null && c is '"' or '\'')
                    quote = c;
                else if (quote == c)
                    quote = null;
            }
            if (wordStarted)
                words.Add(current.ToString());
            return words;
        }

        static string Unquote(string value) =>
            value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0] ? value[1..^1] : value;

        string Content(int line)
        {
            var (start, length, _) = _lines[line];
            var content = text.Substring(start, length);
            return line == 0 && content.StartsWith('\uFEFF') ? content[1..] : content;
        }

        int LineEnd(int line) => _lines[line].Start + _lines[line].FullLength;

        bool IsBlank(int line) => string.IsNullOrWhiteSpace(Content(line));

        bool IsComment(int line) => Content(line).TrimStart(' ', '\t').StartsWith('#');

        static List<(int Start, int ContentLength, int FullLength)> SplitLines(string text)
        {
            var lines = new List<(int, int, int)>();
            var start = 0;
            while (start < text.Length)
            {
                var newline = text.IndexOf('\n', start);
                if (newline < 0)
                {
                    lines.Add((start, text.Length - start, text.Length - start));
                    break;
                }
                var contentEnd = newline > start && text[newline - 1] == '\r' ? newline - 1 : newline;
                lines.Add((start, contentEnd - start, newline + 1 - start));
                start = newline + 1;
            }
            return lines;
        }
    }
}
