namespace KanikoBuild.Dockerfiles.Tests.Syntax;

public class ParserTests
{
    [Fact]
    public void Reads_directives_until_the_first_comment()
    {
        var dockerfile = Corpus.Parse("directives.Dockerfile");

        Assert.Equal(["syntax", "check", "escape"], dockerfile.Directives.Select(d => d.Name));
        Assert.Equal("docker/dockerfile:1.7", dockerfile.Directives[0].Value);
        Assert.Equal('\\', dockerfile.EscapeCharacter);
        Assert.Equal(DockerfileNodeKind.Comment, dockerfile.Nodes[4].Kind); // "# escape=`" after a comment is a comment
        Assert.Equal("echo a     b", dockerfile.Instructions[1].Arguments);
    }

    [Fact]
    public void Backtick_escape_joins_lines_and_leaves_backslashes_alone()
    {
        var dockerfile = Corpus.Parse("backtick-lf.Dockerfile");

        Assert.Equal('`', dockerfile.EscapeCharacter);
        var copy = dockerfile.Instructions[1];
        Assert.Equal(@"docs\readme.txt C:\docs\", copy.Arguments);
        var run = dockerfile.Instructions[2];
        Assert.Equal("echo one     two     three", run.Arguments);
        Assert.Equal(4, run.Line);
        Assert.Equal(7, run.EndLine);
    }

    [Fact]
    public void Windows_file_with_crlf_and_backtick()
    {
        var dockerfile = Corpus.Parse("backtick-windows-crlf.Dockerfile");

        Assert.Equal("\r\n", dockerfile.LineEnding);
        Assert.Equal(["powershell", "-Command", "$ErrorActionPreference = 'Stop';"], dockerfile.Instructions.Single(i => i.Keyword == "SHELL").ExecForm);
        Assert.Equal(@"testfile.txt c:\", dockerfile.Instructions.Single(i => i.Keyword == "COPY").Arguments);
        Assert.Equal("New-Item -ItemType Directory C:\\Example     ; Write-Host done", dockerfile.Instructions.First(i => i.Keyword == "RUN").Arguments);
    }

    [Fact]
    public void Comments_and_blank_lines_inside_a_continuation_belong_to_the_instruction()
    {
        var dockerfile = Corpus.Parse("node-official-style.Dockerfile");
        var run = dockerfile.Instructions.Where(i => i.Keyword == "RUN").ElementAt(1);

        Assert.Equal(8, run.Line);
        Assert.Equal(25, run.EndLine);
        Assert.DoesNotContain("gpg keys listed", run.Arguments, StringComparison.Ordinal);
        Assert.DoesNotContain("smoke tests", run.Arguments, StringComparison.Ordinal);
        Assert.Contains("npm --version", run.Arguments, StringComparison.Ordinal);
        Assert.Contains("# smoke tests", run.Text, StringComparison.Ordinal);
        Assert.Equal("COPY", dockerfile.Instructions.First(i => i.Line > 25).Keyword);
    }

    [Fact]
    public void Heredocs_several_per_line_stripped_and_quoted()
    {
        var dockerfile = Corpus.Parse("heredocs.Dockerfile");
        var instructions = dockerfile.Instructions;

        var first = instructions[1];
        Assert.Equal("apk add --no-cache python3\necho done > /done\n", Assert.Single(first.Heredocs).Content);
        Assert.Equal(3, first.Line);
        Assert.Equal(6, first.EndLine);

        var two = instructions[2];
        Assert.Equal(["FILE1", "FILE2"], two.Heredocs.Select(h => h.Delimiter));
        Assert.Equal(["a = 1\n", "b = 2\n"], two.Heredocs.Select(h => h.Content));

        var copy = instructions[3];
        Assert.Equal("COPY", copy.Keyword);
        Assert.Equal("<html><body>hello</body></html>\n", copy.Heredocs[0].Content);

        var script = instructions[4];
        Assert.Equal("755", script.Flag("chmod"));
        var heredoc = Assert.Single(script.Heredocs);
        Assert.True(heredoc.StripLeadingTabs);
        Assert.True(heredoc.Quoted);
        Assert.Equal("#!/bin/sh\necho \"no expansion of $HOME here\"\n", heredoc.Content);

        var python = instructions[5];
        Assert.Equal("print(\"EOF inside the body is not the end\")\nEOF\n", python.Heredocs[0].Content);
        Assert.Empty(instructions[6].Heredocs);
        Assert.Equal(3, instructions[7].Heredocs[0].FileDescriptor);
        Assert.Equal("fd three\n", instructions[7].Heredocs[0].Content);
        Assert.Equal(8, instructions.Count);
    }

    [Fact]
    public void Arg_before_from_is_a_meta_argument_used_in_from_lines()
    {
        var dockerfile = Corpus.Parse("arg-before-from.Dockerfile");

        Assert.Equal(["REGISTRY", "VERSION", "BASE", "UNSET"], dockerfile.MetaArguments.Select(a => a.Name));
        Assert.Null(dockerfile.MetaArguments[3].DefaultValue);
        Assert.Equal("${BASE}", dockerfile.Stages[0].BaseImage);
        Assert.Equal("docker.io/library/alpine:3.19", dockerfile.Stages[0].ResolveBaseImage(dockerfile));
        Assert.Equal("docker.io/library/alpine:3.20",
            dockerfile.Stages[0].ResolveBaseImage(dockerfile, new Dictionary<string, string> { ["VERSION"] = "3.20" }));
        Assert.Equal("docker.io/library/busybox:latest", dockerfile.Stages[1].ResolveBaseImage(dockerfile));
        Assert.Null(dockerfile.Instructions[0].StageIndex);
        Assert.Equal(0, dockerfile.Instructions.Single(i => i.Keyword == "ARG" && i.Line == 7).StageIndex);
    }

    [Fact]
    public void From_with_platform_and_name()
    {
        var dockerfile = Corpus.Parse("platform.Dockerfile");

        Assert.Equal("$BUILDPLATFORM", dockerfile.Stages[0].Platform);
        Assert.Equal("build", dockerfile.Stages[0].Name);
        Assert.Equal("golang:1.22", dockerfile.Stages[0].BaseImage);
        Assert.Equal("linux/amd64", dockerfile.Stages[1].Platform);
        Assert.Null(dockerfile.Stages[1].Name);
    }

    [Fact]
    public void Keywords_and_stage_references_in_any_case()
    {
        var dockerfile = Corpus.Parse("any-case.Dockerfile");

        Assert.Equal(["FROM", "RUN", "RUN", "COPY", "FROM", "CMD"], dockerfile.Instructions.Select(i => i.Keyword));
        Assert.Equal("Builder", dockerfile.Stages[0].Name);
        Assert.Same(dockerfile.Stages[0], dockerfile.Stages[1].BaseStage);
        Assert.Same(dockerfile.Stages[0], dockerfile.FindStage("BUILDER"));
        Assert.Same(dockerfile.Stages[1], dockerfile.FindStage("1"));
        Assert.Null(dockerfile.FindStage("2"));
    }

    [Fact]
    public void Stages_list_their_instructions_and_base_stages()
    {
        var dockerfile = Corpus.Parse("official-multistage-go.Dockerfile");

        Assert.Equal(["build", "test", "final"], dockerfile.Stages.Select(s => s.Name));
        Assert.Same(dockerfile.Stages[0], dockerfile.Stages[1].BaseStage);
        Assert.Null(dockerfile.Stages[2].BaseStage);
        Assert.Equal("golang:1.22-alpine3.19", dockerfile.Stages[0].ResolveBaseImage(dockerfile));
        Assert.Equal(["WORKDIR", "ENV", "COPY", "RUN", "COPY", "RUN"], dockerfile.Stages[0].Instructions.Select(i => i.Keyword));
        Assert.Equal("type=cache,target=/go/pkg/mod", dockerfile.Stages[0].Instructions[3].Flag("mount"));
        Assert.Equal("build", dockerfile.Stages[2].Instructions[0].Flag("from"));
        Assert.All(dockerfile.Stages[2].Instructions, i => Assert.Equal(2, i.StageIndex));
    }

    [Fact]
    public void Onbuild_keeps_its_trigger()
    {
        var dockerfile = Corpus.Parse("onbuild.Dockerfile");
        var triggers = dockerfile.Stages[0].OnBuildTriggers.ToList();

        Assert.Equal(["COPY", "RUN", "RUN"], triggers.Select(t => t.Trigger!.Keyword));
        Assert.Equal(["echo", "exec form trigger"], triggers[2].Trigger!.ExecForm);
        Assert.Empty(dockerfile.Stages[1].OnBuildTriggers);
    }

    [Fact]
    public void Exec_form_only_when_the_json_parses()
    {
        var dockerfile = Corpus.Parse("exec-shell-forms.Dockerfile");
        var runs = dockerfile.Instructions.Where(i => i.Keyword == "RUN").ToList();

        Assert.Equal(["sh", "-c", "echo exec form"], runs[0].ExecForm);
        Assert.False(runs[1].IsExecForm);
        Assert.False(runs[2].IsExecForm);
        Assert.Equal("5m", dockerfile.Instructions.First(i => i.Keyword == "HEALTHCHECK").Flag("interval"));
        Assert.Empty(dockerfile.Instructions.Single(i => i.Keyword == "ENTRYPOINT").ExecForm!);
    }

    [Fact]
    public void Crlf_and_whitespace_and_bom()
    {
        var crlf = Corpus.Parse("crlf.Dockerfile");
        Assert.Equal("apk add --no-cache curl     jq", crlf.Instructions[1].Arguments);
        Assert.Same(crlf.Stages[0], crlf.Stages[1].BaseStage);

        var whitespace = Corpus.Parse("whitespace.Dockerfile");
        Assert.Equal("alpine:3.19", whitespace.Stages[0].BaseImage);
        Assert.Equal("echo a \t  && echo b", whitespace.Instructions[1].Arguments);
        Assert.Equal("echo tabs", whitespace.Instructions[2].Arguments);

        var bom = Corpus.Parse("utf8-bom.Dockerfile");
        Assert.Equal("FROM", bom.Instructions[0].Keyword);
        Assert.Equal("alpine:3.19", bom.Stages[0].BaseImage);
    }

    [Fact]
    public void Stages_by_index_have_no_names()
    {
        var dockerfile = Corpus.Parse("stage-index.Dockerfile");

        Assert.All(dockerfile.Stages, s => Assert.Null(s.Name));
        Assert.Equal("0", dockerfile.Stages[1].Instructions[0].Flag("from"));
        Assert.Equal("#2", dockerfile.Stages[2].DisplayName);
    }
}
