using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>
/// The stand-in executor builds and pushes real images: run through the real Docker engine against a real
/// registry, pulled back and run by the engine. What this does not prove: kaniko's own snapshotting edge cases
/// and remote contexts (see standins/kaniko/README.md).
/// </summary>
[Collection(StandInCollection.Name)]
public sealed class BuildTests(StandInFixture fixture)
{
    [Fact]
    public async Task MultiStageBuild_IsPushed_AndRunsInTheEngineWithItsFilesAndConfig()
    {
        using var context = new TempDirectory();
        using var output = new TempDirectory();
        context.Write("hello.txt", "hello from the context\n");
        context.Write("left-out.txt", "must not be copied\n");
        context.Write(".dockerignore", "left-out.txt\n");
        context.Write("Dockerfile", """
            ARG BASE
            FROM ${BASE} AS build
            ARG GREETING=hi
            ARG BUILD_ONLY
            ENV APP_HOME=/app
            WORKDIR $APP_HOME
            COPY . ./
            RUN echo "$GREETING from $APP_HOME" > built.txt && \
                # a comment inside a continuation
                test "$BUILD_ONLY" = "arg-value-1234"

            FROM ${BASE}
            ENV MODE=production
            COPY --from=build --chown=nobody:nogroup /app/ /srv/
            USER nobody
            RUN id -u > /srv/uid && id -g > /srv/gid && ls -A /srv > /srv/listing
            LABEL org.example.team="platform team"
            EXPOSE 8080
            WORKDIR /srv
            CMD ["cat", "/srv/built.txt"]
            """);
        var destination = $"{fixture.Registry.Host}/app:1";

        var run = await fixture.RunAsync(context.Path,
        [
            "--dockerfile=/workspace/Dockerfile", "--context", "dir:///workspace", "--destination", destination,
            "--build-arg", $"BASE={fixture.BaseImage}", "--build-arg=GREETING=hello", "--build-arg", "BUILD_ONLY",
            "--digest-file=/kaniko/out/digest", "--image-name-with-digest-file=/kaniko/out/name",
        ], [(output.Path, "/kaniko/out")], new Dictionary<string, string> { ["BUILD_ONLY"] = "arg-value-1234" });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Pushing image to {destination}", run.Output);
        var (digest, _) = await fixture.InspectAsync(destination);
        Assert.Equal(digest, File.ReadAllText(output.Combine("digest")));
        Assert.Equal($"{fixture.Registry.Host}/app@{digest}\n", File.ReadAllText(output.Combine("name")));
        Assert.Contains($"Pushed {fixture.Registry.Host}/app@{digest}", run.Output);

        var cmd = await fixture.RunPulledAsync(destination);
        Assert.Equal("hello from /app\n", cmd.StandardOutput);
        var files = await fixture.RunPulledAsync(destination, "sh", "-c", "cat /srv/uid /srv/gid /srv/listing; stat -c '%u:%g' /srv/built.txt");
        // .dockerignore kept left-out.txt out of the context; the listing file exists (empty) while ls runs.
        Assert.Equal("65534\n65534\n.dockerignore\nDockerfile\nbuilt.txt\ngid\nhello.txt\nlisting\nuid\n65534:65534\n", files.StandardOutput);

        using var config = await fixture.ConfigAsync(destination);
        var raw = config.RootElement.GetRawText();
        var cfg = config.RootElement.GetProperty("config");
        Assert.Equal("nobody", cfg.GetProperty("User").GetString());
        Assert.Equal("/srv", cfg.GetProperty("WorkingDir").GetString());
        Assert.Equal("platform team", cfg.GetProperty("Labels").GetProperty("org.example.team").GetString());
        Assert.True(cfg.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.Contains("MODE=production", cfg.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        // ARG values reach RUN but never the config or the history (kaniko.md §1.8).
        Assert.DoesNotContain("arg-value-1234", raw);
        Assert.DoesNotContain(cfg.GetProperty("Env").EnumerateArray(), e => e.GetString()!.StartsWith("GREETING=", StringComparison.Ordinal) || e.GetString()!.StartsWith("BUILD_ONLY=", StringComparison.Ordinal));
        var createdBy = config.RootElement.GetProperty("history").EnumerateArray()
            .Select(h => h.TryGetProperty("created_by", out var c) ? c.GetString() : null).Where(c => c is not null).ToList();
        Assert.Contains("USER nobody", createdBy);
        Assert.Contains("RUN id -u > /srv/uid && id -g > /srv/gid && ls -A /srv > /srv/listing", createdBy);
    }

    [Fact]
    public async Task ExecFormRun_OnAScratchBase_NeedsNoShell()
    {
        using var context = new TempDirectory();
        File.Copy("/bin/busybox", context.Combine("tool"));
        context.Write("Dockerfile", """
            FROM scratch
            COPY tool /opt/busybox
            RUN ["/opt/busybox", "mkdir", "-p", "/made/by/exec-form"]
            ENTRYPOINT ["/opt/busybox"]
            CMD ["ls", "/made/by"]
            """);
        var destination = $"{fixture.Registry.Host}/scratch-app:1";

        var run = await fixture.RunAsync(context.Path, ["--context=/workspace", "--destination", destination]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("No base image, nothing to extract", run.Output);
        var ls = await fixture.RunPulledAsync(destination);
        Assert.Equal("exec-form\n", ls.StandardOutput);
        var (_, layers) = await fixture.InspectAsync(destination);
        Assert.Equal(2, layers.Length);
    }

    [Fact]
    public async Task Reproducible_BuiltTwice_GivesTheSameDigest_AndTheTarballLoads()
    {
        using var context = new TempDirectory();
        using var output = new TempDirectory();
        context.Write("app.txt", "app\n");
        context.Write("Dockerfile", $"""
            FROM {fixture.BaseImage}
            COPY app.txt /app/app.txt
            RUN echo built > /app/built.txt
            """);
        string[] Args(string n) => ["--no-push", "--reproducible", $"--digest-file=/kaniko/out/digest-{n}", $"--tar-path=/kaniko/out/image-{n}.tar", "--destination", "kanikobuild-test/reproducible:1"];

        var first = await fixture.RunAsync(context.Path, Args("1"), [(output.Path, "/kaniko/out")]);
        var second = await fixture.RunAsync(context.Path, Args("2"), [(output.Path, "/kaniko/out")]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Skipping push to container registry due to --no-push flag", first.Output);
        Assert.Equal(File.ReadAllText(output.Combine("digest-1")), File.ReadAllText(output.Combine("digest-2")));
        Assert.False(await fixture.ExistsAsync($"{fixture.Registry.Host}/reproducible:1"));

        await using (var tar = File.OpenRead(output.Combine("image-1.tar")))
        {
            var load = await Shell.RunAsync(DockerEngine.Cli, ["load"], standardInput: tar);
            Assert.True(load.ExitCode == 0, load.StandardError);
        }
        try
        {
            var result = await Shell.RunAsync(DockerEngine.Cli, ["run", "--rm", "--network", "none", "kanikobuild-test/reproducible:1", "cat", "/app/app.txt", "/app/built.txt"]);
            Assert.Equal("app\nbuilt\n", result.StandardOutput);
            var created = await Shell.RunCheckedAsync(DockerEngine.Cli, ["image", "inspect", "--format", "{{.Created}}", "kanikobuild-test/reproducible:1"]);
            Assert.StartsWith("1970-01-01", created.Trim());
        }
        finally
        {
            await Shell.RunAsync(DockerEngine.Cli, ["rmi", "-f", "kanikobuild-test/reproducible:1"]);
        }
    }

    [Fact]
    public async Task ScanStep_WritingUnderAMountedKanikoDir_ReachesTheHost_EvenWhenTheRunFails()
    {
        using var context = new TempDirectory();
        using var output = new TempDirectory();
        context.Write("Dockerfile", $$"""
            FROM {{fixture.BaseImage}}
            RUN echo app > /app.txt
            RUN ["/busybox/sh", "-c", "echo '{\"vulnerabilityScanPassed\":false}' > /kaniko/kanikobuild/out/scan.json && exit 1"]
            """);

        var run = await fixture.RunAsync(context.Path, ["--no-push"], [(output.Path, "/kaniko/kanikobuild/out")]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1", run.Output);
        Assert.Equal("{\"vulnerabilityScanPassed\":false}\n", File.ReadAllText(output.Combine("scan.json")));
    }

    [Fact]
    public async Task KanikoPaths_AreNeverInALayer()
    {
        using var context = new TempDirectory();
        using var output = new TempDirectory();
        context.Write("Dockerfile", $"""
            FROM {fixture.BaseImage}
            RUN ["/busybox/sh", "-c", "echo result > /kaniko/kanikobuild/out/scan.json && echo notes > /kaniko/notes && echo kept > /kept.txt"]
            """);

        var run = await fixture.RunAsync(context.Path, ["--no-push", "--tar-path=/kaniko/kanikobuild/out/image.tar"], [(output.Path, "/kaniko/kanikobuild/out")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("result\n", File.ReadAllText(output.Combine("scan.json")));
        var entries = LayerEntries(output.Combine("image.tar"));
        Assert.Contains("kept.txt", entries);
        Assert.DoesNotContain(entries.Select(e => e.TrimStart('.', '/')), e => e.StartsWith("kaniko", StringComparison.Ordinal) || e.StartsWith("busybox", StringComparison.Ordinal) || e.StartsWith("workspace", StringComparison.Ordinal));
    }

    /// <summary>Every path in every layer of a docker-save tarball.</summary>
    internal static List<string> LayerEntries(string tarball)
    {
        var names = new List<string>();
        using var archive = File.OpenRead(tarball);
        using var reader = new TarReader(archive);
        while (reader.GetNextEntry() is { } entry)
        {
            if (!entry.Name.EndsWith(".tar.gz", StringComparison.Ordinal) || entry.DataStream is null)
                continue;
            using var gzip = new GZipStream(entry.DataStream, CompressionMode.Decompress);
            using var layer = new TarReader(gzip);
            while (layer.GetNextEntry() is { } file)
                names.Add(file.Name);
        }
        return names;
    }
}
