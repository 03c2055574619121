namespace KanikoBuild.Dockerfiles.Tests.Syntax;

public class MalformedTests
{
    [Theory]
    [InlineData("", 1, "no FROM instruction")]
    [InlineData("# only a comment\n\nARG A=1\n", 3, "no FROM instruction")]
    [InlineData("RUN echo hi\nFROM alpine\n", 1, "RUN comes before the first FROM; expected 'FROM <image>'")]
    [InlineData("FROM alpine\nRUN <<EOF\necho never closed\n", 2, "unterminated heredoc '<<EOF'; expected a line 'EOF'")]
    [InlineData("FROM alpine\nRUN <<-END cat\n\techo\n\tEN\n", 2, "unterminated heredoc '<<-END'")]
    [InlineData("FROM alpine\nFORM busybox\n", 2, "unknown instruction 'FORM'; expected one of FROM, RUN")]
    [InlineData("FROM\n", 1, "FROM needs arguments; expected 'FROM [--platform=<platform>] <image> [AS <name>]'")]
    [InlineData("FROM alpine AS\n", 1, "FROM has unexpected words 'alpine AS'")]
    [InlineData("FROM alpine IS name\n", 1, "FROM has unexpected words")]
    [InlineData("FROM --pull=always alpine\n", 1, "FROM does not take the flag '--pull'")]
    [InlineData("FROM alpine AS 1st\n", 1, "invalid stage name '1st'")]
    [InlineData("FROM alpine AS app\nRUN true\nFROM busybox AS APP\n", 3, "the stage name 'APP' is already used by the stage on line 1")]
    [InlineData("FROM alpine\nONBUILD\n", 2, "ONBUILD needs an instruction; expected 'ONBUILD <instruction>'")]
    [InlineData("FROM alpine\nONBUILD ONBUILD RUN x\n", 2, "ONBUILD cannot trigger ONBUILD")]
    [InlineData("FROM alpine\nONBUILD FROM x\n", 2, "ONBUILD cannot trigger FROM")]
    [InlineData("FROM alpine\nSHELL /bin/bash -c\n", 2, "SHELL must be in JSON form")]
    [InlineData("FROM alpine\nCOPY onlyone\n", 2, "COPY needs a source and a destination")]
    [InlineData("FROM alpine\nRUN []\n", 2, "RUN has an empty JSON array")]
    [InlineData("# escape=x\nFROM alpine\n", 1, "invalid escape character 'x'; expected '\\' or '`'")]
    [InlineData("# escape=`\n# escape=\\\nFROM alpine\n", 2, "the 'escape' parser directive is given twice")]
    [InlineData("FROM alpine\nRUN echo a \\\n\n# comment\n  && echo b\nEXPOSE\n", 6, "EXPOSE needs arguments")]
    [InlineData("ARG =x\nFROM alpine\n", 1, "ARG has an invalid name")]
    public void Gives_the_line_and_what_was_expected(string text, int line, string expected)
    {
        var error = Assert.Throws<DockerfileSyntaxException>(() => DockerfileParser.Parse(text, "app/Dockerfile"));

        Assert.Equal(line, error.Line);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"app/Dockerfile:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<PipelineException>(error);
    }

    [Fact]
    public async Task A_missing_file_is_one_clear_error()
    {
        var error = await Assert.ThrowsAsync<PipelineException>(() => DockerfileParser.LoadAsync("/nonexistent/kanikobuild/Dockerfile"));

        Assert.Contains("'/nonexistent/kanikobuild/Dockerfile' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_is_one_clear_error()
    {
        using var directory = new KanikoBuild.Testing.TempDirectory();
        var path = directory.Combine("Dockerfile");
        await File.WriteAllBytesAsync(path, [0x46, 0x52, 0x4F, 0x4D, 0x20, 0xFF, 0xFE, 0x0A]);

        var error = await Assert.ThrowsAsync<PipelineException>(() => DockerfileParser.LoadAsync(path));

        Assert.Contains("is not UTF-8 text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_continuation_at_the_end_of_the_file_parses_like_docker_does()
    {
        var dockerfile = DockerfileParser.Parse("FROM alpine\nRUN echo a \\\n");

        Assert.Equal("echo a", dockerfile.Instructions[1].Arguments);
        Assert.Equal(2, dockerfile.Instructions[1].EndLine);
    }
}
