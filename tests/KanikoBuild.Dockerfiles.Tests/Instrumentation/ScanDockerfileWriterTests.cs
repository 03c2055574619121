using KanikoBuild.Testing;

namespace KanikoBuild.Dockerfiles.Tests.Instrumentation;

/// <summary>The Instrument target's behaviour: defaults, the written file, and one clear error per bad input.</summary>
public class ScanDockerfileWriterTests
{
    static InstrumentRequest Request(string root, string? dockerfile = null, string? stage = null, string? output = null,
        string? consoleUrl = "https://console.example.com", string? ca = null, string? context = null) =>
        new(root, dockerfile, context, stage, output, consoleUrl, "proj", ca);

    [Fact]
    public async Task Defaults_to_the_dockerfile_in_the_root_and_writes_under_nuke_temp()
    {
        using var root = new TempDirectory();
        var original = "FROM alpine AS app\r\nRUN echo hi\r\n";
        root.Write("Dockerfile", original);

        var path = await ScanDockerfileWriter.WriteForTargetAsync(Request(root.Path));

        Assert.Equal(root.Combine(".nuke", "temp", "Dockerfile.scan"), path);
        var written = await File.ReadAllTextAsync(path);
        Assert.StartsWith(original, written, StringComparison.Ordinal);
        Assert.Contains("--project 'proj'", written, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(root.Combine(".nuke", "temp"), "*.partial"));
    }

    [Fact]
    public async Task Uses_the_context_dockerfile_the_given_output_and_the_ca_flag()
    {
        using var root = new TempDirectory();
        root.Write("app/Dockerfile", "FROM alpine\n");
        root.Write("ca.pem", "-----BEGIN CERTIFICATE-----\n");

        var path = await ScanDockerfileWriter.WriteForTargetAsync(Request(root.Path, context: "app", output: "out/scan.Dockerfile", ca: "ca.pem"));

        Assert.Equal(root.Combine("out", "scan.Dockerfile"), path);
        Assert.Contains("--tlscacert /kaniko/kanikobuild/ca.pem", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keeps_a_byte_order_mark_and_every_other_byte()
    {
        using var root = new TempDirectory();
        var bytes = File.ReadAllBytes(Path.Combine(Corpus.Directory, "utf8-bom.Dockerfile"));
        await File.WriteAllBytesAsync(root.Combine("Dockerfile"), bytes);

        var path = await ScanDockerfileWriter.WriteForTargetAsync(Request(root.Path));

        var written = await File.ReadAllBytesAsync(path);
        var utf8 = new System.Text.UTF8Encoding(false);
        var withoutName = utf8.GetBytes(utf8.GetString(written).Replace(" AS kanikobuild-scanned", "", StringComparison.Ordinal));
        Assert.Equal([0xEF, 0xBB, 0xBF], written[..3]);
        Assert.Equal(bytes, withoutName[..bytes.Length]);
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("no-from", "no FROM instruction")]
    [InlineData("heredoc", "unterminated heredoc '<<EOF'")]
    [InlineData("stage", "Unknown stage 'nope'")]
    [InlineData("url", "pass --console-url")]
    [InlineData("ca", "Console CA certificate 'missing.pem' does not exist")]
    public async Task Each_bad_input_is_one_clear_error_and_nothing_is_written(string problem, string expected)
    {
        using var root = new TempDirectory();
        root.Write("Dockerfile", problem switch
        {
            "no-from" => "# nothing here\nARG X=1\n",
            "heredoc" => "FROM alpine\nRUN <<EOF\necho\n",
            _ => "FROM alpine\n",
        });
        var request = problem switch
        {
            "missing" => Request(root.Path, dockerfile: "Dockerfile.missing"),
            "stage" => Request(root.Path, stage: "nope"),
            "url" => Request(root.Path, consoleUrl: null),
            "ca" => Request(root.Path, ca: "missing.pem"),
            _ => Request(root.Path),
        };

        var error = await Assert.ThrowsAnyAsync<PipelineException>(() => ScanDockerfileWriter.WriteForTargetAsync(request));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(root.Combine(".nuke", "temp", "Dockerfile.scan")));
    }
}
