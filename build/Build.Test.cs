using KanikoBuild;
using KanikoBuild.Engine;

partial class Build
{
    [Parameter("Test filter passed to 'dotnet test --filter' (e.g. 'FullyQualifiedName~Engine').")]
    readonly string? TestFilter;

    Target Test => _ => _
        .Description("Runs the unit and integration tests (integration tests need the Docker engine, docker-registry, skopeo and Go).")
        .Executes(async ct =>
        {
            string[] arguments = ["test", RootDirectory / "KanikoBuild.sln", "--nologo", "--logger", "console;verbosity=normal"];
            if (TestFilter is { Length: > 0 })
                arguments = [.. arguments, "--filter", TestFilter];
            var exitCode = await ProcessRunner.RunAsync(new ProcessSpec("dotnet", arguments) { WorkingDirectory = RootDirectory }, ct: ct);
            if (exitCode != 0)
                throw new PipelineException($"The tests failed (dotnet test exited with {exitCode}); the failing tests are listed above.");
        });
}
