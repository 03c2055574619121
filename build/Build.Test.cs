using KanikoBuild;
using KanikoBuild.Engine;
using KanikoBuild.Engine.Tools;

partial class Build
{
    [Parameter("Test filter passed to 'dotnet test --filter' (e.g. 'FullyQualifiedName~Engine').")]
    readonly string? TestFilter;

    AbsolutePath TestResultsDirectory => RootDirectory / "artifacts" / "test-results";

    Target Test => _ => _
        .Description("Runs the unit and integration tests (integration tests need the Docker engine, docker-registry, skopeo and Go).")
        .Executes(async ct =>
        {
            TestResultTotals.Clear(TestResultsDirectory);
            string[] arguments =
            [
                "test", RootDirectory / "KanikoBuild.sln", "--nologo",
                "--logger", "console;verbosity=normal", "--logger", "trx", "--results-directory", TestResultsDirectory,
            ];
            if (TestFilter is { Length: > 0 })
                arguments = [.. arguments, "--filter", TestFilter];
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_EXE") is { Length: > 0 } exe ? exe : "dotnet";
            var exitCode = await ProcessRunner.RunAsync(new ProcessSpec(dotnet, arguments) { WorkingDirectory = RootDirectory }, ct: ct);

            var totals = TestResultTotals.Read(TestResultsDirectory);
            ReportSummary("Tests", totals.ToString());
            BuildOutput.Final(totals.ToString());
            if (totals.Failed > 0)
                throw new PipelineException($"The tests failed ({totals}); the failing tests are listed above, the TRX files are in {TestResultsDirectory}.");
            if (exitCode != 0)
                throw new PipelineException($"dotnet test exited with {exitCode} although no test failed ({totals}): a build error, a crashed test host or an aborted run; see the output above.");
        });
}
