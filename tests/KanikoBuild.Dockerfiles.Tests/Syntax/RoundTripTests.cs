using System.Text;

namespace KanikoBuild.Dockerfiles.Tests.Syntax;

public class RoundTripTests
{
    [Fact]
    public void The_corpus_covers_every_form_the_parser_claims()
    {
        Assert.True(Corpus.Names.Count() >= 15, "the corpus went missing from the test output");
        var all = Corpus.Names.Select(Corpus.Parse).ToList();
        var instructions = all.SelectMany(d => d.Instructions).ToList();
        Assert.Contains(all, d => d.EscapeCharacter == '`');
        Assert.Contains(all, d => d.LineEnding == "\r\n");
        Assert.Contains(all, d => d.MetaArguments.Count > 0);
        Assert.Contains(instructions, i => i.Heredocs.Count >= 2);
        Assert.Contains(instructions, i => i.Trigger is not null);
        Assert.Contains(instructions, i => i.IsExecForm);
        Assert.Contains(instructions, i => i.KeywordAsWritten != i.Keyword);
        Assert.Contains(instructions, i => i.Flag("platform") is not null);
        foreach (var keyword in DockerfileParser.Keywords)
            Assert.Contains(instructions, i => i.Keyword == keyword);
    }

    [Theory]
    [MemberData(nameof(Corpus.All), MemberType = typeof(Corpus))]
    public void Reproduces_the_source_byte_for_byte(string name)
    {
        var bytes = Corpus.Bytes(name);
        var dockerfile = Corpus.Parse(name);

        Assert.Equal(bytes, new UTF8Encoding(false).GetBytes(dockerfile.ToString()));
        Assert.Equal(bytes, new UTF8Encoding(false).GetBytes(string.Concat(dockerfile.Nodes.Select(n => n.Text))));
    }

    [Theory]
    [MemberData(nameof(Corpus.All), MemberType = typeof(Corpus))]
    public void Nodes_tile_the_source_in_order_and_instructions_know_their_lines(string name)
    {
        var dockerfile = Corpus.Parse(name);
        var offset = 0;
        var line = 1;
        foreach (var node in dockerfile.Nodes)
        {
            Assert.Equal(offset, node.StartOffset);
            Assert.Equal(line, node.Line);
            Assert.Equal(dockerfile.Text.Substring(node.StartOffset, node.Length), node.Text);
            offset += node.Length;
            line += node.Text.Count(c => c == '\n');
        }
        Assert.Equal(dockerfile.Text.Length, offset);
        foreach (var instruction in dockerfile.Instructions)
        {
            var sourceLine = dockerfile.Text.Split('\n')[instruction.Line - 1];
            Assert.StartsWith(instruction.KeywordAsWritten, sourceLine.TrimStart(' ', '\t', '\uFEFF'), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Corpus.All), MemberType = typeof(Corpus))]
    public async Task Files_read_from_disk_keep_their_bytes(string name)
    {
        var dockerfile = await DockerfileParser.LoadAsync(Path.Combine(Corpus.Directory, name));
        Assert.Equal(Corpus.Bytes(name), new UTF8Encoding(false).GetBytes(dockerfile.Text));
    }
}
