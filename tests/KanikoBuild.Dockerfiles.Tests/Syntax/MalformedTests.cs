namespace KanikoBuild.Dockerfiles.Tests.Syntax;

public class MalformedTests
{
    [Fact]
    public void The_malformed_corpus_is_there()
    {
        Assert.True(Corpus.MalformedNames.Count() >= 25, "the malformed corpus went missing from the test output");
        foreach (var name in Corpus.MalformedNames)
            Assert.True(File.Exists(Path.Combine(Corpus.MalformedDirectory, Path.ChangeExtension(name, ".expected"))), $"{name} has no .expected beside it");
    }

    [Theory]
    [MemberData(nameof(Corpus.Malformed), MemberType = typeof(Corpus))]
    public async Task Gives_the_line_and_what_was_expected(string name, int line, string expected)
    {
        var path = Path.Combine(Corpus.MalformedDirectory, name);

        var error = await Assert.ThrowsAnyAsync<PipelineException>(() => DockerfileParser.LoadAsync(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (line == 0)
        {
            Assert.IsNotType<DockerfileSyntaxException>(error);
            Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
        }
        else
        {
            var syntax = Assert.IsType<DockerfileSyntaxException>(error);
            Assert.Equal(line, syntax.Line);
            Assert.StartsWith($"{path}:{line}: ", syntax.Message, StringComparison.Ordinal);
        }
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
