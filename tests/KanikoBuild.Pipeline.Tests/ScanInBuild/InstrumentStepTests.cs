using KanikoBuild.Pipeline.Building;
using KanikoBuild.Pipeline.ScanInBuild;
using KanikoBuild.Prisma;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.ScanInBuild;

/// <summary>The Instrument target's behaviour: defaults, the written file, and one clear error per bad input.</summary>
public class InstrumentStepTests
{
    static PipelineRun Run(string root, string? dockerfile = null, string? stage = null, string? output = null,
        string? consoleUrl = "https://console.example.com", string? ca = null, string? context = null) =>
        new(root, Path.Combine(root, ".nuke", "temp"), new PipelineOptions
        {
            Input = new BuildInputOptions { Dockerfile = dockerfile, Context = context, Stage = stage, InstrumentedDockerfile = output },
            Console = new ConsoleOptions { Url = consoleUrl is null ? null : new Uri(consoleUrl), Project = "proj", CaCert = ca },
        });

    [Fact]
    public async Task Defaults_to_the_dockerfile_in_the_root_and_writes_under_nuke_temp()
    {
        using var root = new TempDirectory();
        var original = "FROM alpine AS app\r\nRUN echo hi\r\n";
        root.Write("Dockerfile", original);

        var path = await InstrumentStep.RunAsync(Run(root.Path), CancellationToken.None);

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
        // A real certificate: Instrument checks the CA file as ScanBuild does (before, it only had to exist).
        root.Write("ca.pem", SelfSignedPem());

        var path = await InstrumentStep.RunAsync(Run(root.Path, context: "app", output: "out/scan.Dockerfile", ca: "ca.pem"), CancellationToken.None);

        Assert.Equal(root.Combine("out", "scan.Dockerfile"), path);
        Assert.Contains("--tlscacert /kaniko/kanikobuild/ca.pem", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instrument_and_ScanBuild_resolve_the_dockerfile_the_same_way_the_path_given_from_the_root_first()
    {
        using var root = new TempDirectory();
        root.Write("Dockerfile", "FROM alpine AS from-root\n");
        root.Write("app/Dockerfile", "FROM alpine AS from-context\n");
        root.Write("app/Other.Dockerfile", "FROM alpine AS other-in-context\n");

        var rootFirst = await File.ReadAllTextAsync(await InstrumentStep.RunAsync(Run(root.Path, context: "app"), CancellationToken.None));
        var contextNext = await File.ReadAllTextAsync(await InstrumentStep.RunAsync(Run(root.Path, context: "app", dockerfile: "Other.Dockerfile"), CancellationToken.None));

        Assert.Contains("AS from-root", rootFirst, StringComparison.Ordinal);
        Assert.Contains("AS other-in-context", contextNext, StringComparison.Ordinal);
        var options = new BuildInputOptions { Context = "app", Dockerfile = "Other.Dockerfile" };
        Assert.Equal(root.Combine("app", "Other.Dockerfile"), BuildSource.Dockerfile(options, BuildSource.Context(options, root.Path), root.Path));
    }

    [Fact]
    public async Task Keeps_a_byte_order_mark_and_every_other_byte()
    {
        using var root = new TempDirectory();
        var bytes = File.ReadAllBytes(RepositoryRoot.Combine("tests", "KanikoBuild.Dockerfiles.Tests", "Corpus", "utf8-bom.Dockerfile"));
        await File.WriteAllBytesAsync(root.Combine("Dockerfile"), bytes);

        var path = await InstrumentStep.RunAsync(Run(root.Path), CancellationToken.None);

        var written = await File.ReadAllBytesAsync(path);
        var utf8 = new System.Text.UTF8Encoding(false);
        var withoutName = utf8.GetBytes(utf8.GetString(written).Replace(" AS kanikobuild-scanned", "", StringComparison.Ordinal));
        Assert.Equal([0xEF, 0xBB, 0xBF], written[..3]);
        Assert.Equal(bytes, withoutName[..bytes.Length]);
    }

    static string SelfSignedPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=kanikobuild-test-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
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
        var run = problem switch
        {
            "missing" => Run(root.Path, dockerfile: "Dockerfile.missing"),
            "stage" => Run(root.Path, stage: "nope"),
            "url" => Run(root.Path, consoleUrl: null),
            "ca" => Run(root.Path, ca: "missing.pem"),
            _ => Run(root.Path),
        };

        var error = await Assert.ThrowsAnyAsync<PipelineException>(() => InstrumentStep.RunAsync(run, CancellationToken.None));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(root.Combine(".nuke", "temp", "Dockerfile.scan")));
    }
}
