using System.Text.Json.Nodes;
using KanikoBuild.Dockerfiles.Tests.StandIn;
using KanikoBuild.Testing;

namespace KanikoBuild.Dockerfiles.Tests.Integration;

/// <summary>
/// Instrumented Dockerfiles built by the real Docker builder, with the Go twistcli stand-in talking to an in-test
/// Console. The builder here has no mounts, so the tools come in through the helper stage (ScanStageOptions.ToolsImage).
/// </summary>
public sealed class DockerBuildTests : IAsyncLifetime
{
    FakeConsole _console = null!;
    readonly List<string> _images = [];
    readonly List<string> _containers = [];

    static string Base => BusyboxImage.Name;

    async Task<(InstrumentedDockerfile Instrumented, DockerBuilder.Result Build, string Tag)> BuildAsync(string dockerfile, string? stage = null,
        DockerBuilder.Builder builder = DockerBuilder.Builder.Legacy)
    {
        await BusyboxImage.EnsureAsync();
        var tools = await DockerBuilder.ToolsImageAsync();
        var instrumented = ScanInstrumenter.Instrument(DockerfileParser.Parse(dockerfile), DockerBuilder.Options(_console.Address, stage, tools));
        var tag = $"kanikobuild-test/scanned:{Guid.NewGuid():N}";
        _images.Add(tag);
        var build = await DockerBuilder.BuildAsync(instrumented.Text, instrumented.ScanStage, tag, builder);
        _containers.AddRange(build.Containers);
        return (instrumented, build, tag);
    }

    [Fact]
    public async Task The_scan_runs_last_as_root_and_sees_the_final_files_of_the_target()
    {
        var dockerfile = $"""
            ARG BASE={Base}
            FROM ${"{"}BASE{"}"} AS packages
            RUN mkdir -p /lib/apk/db && printf 'P:zlib\nV:1.3.1-r0\n\n' > /lib/apk/db/installed

            from packages
            RUN printf 'ID=alpine\nVERSION_ID=3.19\n' > /etc/os-release
            RUN printf 'P:musl\nV:1.2.4-r2\n\n' >> /lib/apk/db/installed && chmod 0600 /lib/apk/db/installed
            USER 65534:65534
            SHELL ["/nonexistent/shell", "-c"]
            ENTRYPOINT ["/bin/false"]
            """;

        var (instrumented, build, tag) = await BuildAsync(dockerfile);

        Assert.True(build.ExitCode == 0, build.Output);
        var scan = Assert.Single(_console.Scans);
        Assert.Equal(instrumented.ReportId, scan.ReportId);
        Assert.Equal(["zlib@1.3.1-r0", "musl@1.2.4-r2"], scan.Packages);
        Assert.Equal("alpine", scan.Body["osDistro"]!.GetValue<string>());
        var steps = build.Steps;
        Assert.StartsWith("RUN [\"/kanikobuild/sh\"", steps[^1], StringComparison.Ordinal);
        Assert.Contains(steps, s => s.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
        Assert.True(steps.ToList().FindLastIndex(s => s.StartsWith("ENTRYPOINT", StringComparison.Ordinal)) < steps.Count - 1);
        var result = JsonNode.Parse((await DockerBuilder.CopyOutOfImageAsync(tag, instrumented.ResultPathInBuild))!)!;
        Assert.True(result["results"]![0]!["vulnerabilityScanPassed"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("app")]
    [InlineData("0")]
    public async Task With_a_stage_the_right_stage_is_scanned(string stage)
    {
        var dockerfile = $"""
            FROM {Base} AS app
            RUN mkdir -p /lib/apk/db && printf 'P:app-only\nV:1.0-r0\n\n' > /lib/apk/db/installed

            FROM app
            RUN printf 'P:later-stage\nV:2.0-r0\n\n' >> /lib/apk/db/installed
            """;

        var (instrumented, build, _) = await BuildAsync(dockerfile, stage);

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Equal("app", instrumented.ScannedStage);
        Assert.Equal(["app-only@1.0-r0"], Assert.Single(_console.Scans).Packages);
    }

    [Fact]
    public async Task A_scratch_image_with_only_a_static_binary_is_scanned_without_a_shell()
    {
        var dockerfile = $"""
            FROM {Base} AS files
            RUN mkdir -p /out/lib/apk/db /out/etc && printf 'P:musl\nV:1.2.4-r2\n\n' > /out/lib/apk/db/installed \
                && printf 'ID=alpine\nVERSION_ID=3.19\n' > /out/etc/os-release && cp /bin/busybox /out/app

            FROM scratch
            COPY --from=files /out/ /
            ENTRYPOINT ["/app"]
            """;

        var (instrumented, build, _) = await BuildAsync(dockerfile);

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.True(instrumented.AddedStageName);
        Assert.Equal(["musl@1.2.4-r2"], Assert.Single(_console.Scans).Packages);
    }

    [Fact]
    public async Task A_failing_scan_fails_the_build_and_the_result_is_recovered_from_the_step()
    {
        var dockerfile = $"""
            FROM {Base}
            RUN mkdir -p /lib/apk/db && printf 'P:openssl\nV:1.1.1k-r0\n\n' > /lib/apk/db/installed
            """;

        var (instrumented, build, _) = await BuildAsync(dockerfile);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("returned a non-zero code: 1", build.Output, StringComparison.Ordinal);
        // The legacy builder keeps the container of the failed step (force-rm is off): the result is in it.
        var text = await DockerBuilder.CopyOutAsync(build.Containers[^1], instrumented.ResultPathInBuild);
        Assert.NotNull(text);
        var result = JsonNode.Parse(text)!["results"]![0]!;
        Assert.False(result["vulnerabilityScanPassed"]!.GetValue<bool>());
        Assert.Equal("CVE-2021-3711", result["vulnerabilities"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_tool_failure_fails_the_build_and_leaves_no_result()
    {
        _console.ScanStatus = System.Net.HttpStatusCode.Forbidden;
        var dockerfile = $"FROM {Base}\nRUN true\n";

        var (instrumented, build, _) = await BuildAsync(dockerfile);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Null(await DockerBuilder.CopyOutAsync(build.Containers[^1], instrumented.ResultPathInBuild));
    }

    [Fact]
    public async Task The_scan_step_never_comes_from_the_cache_while_the_original_steps_do()
    {
        var dockerfile = $"FROM {Base}\nRUN echo {Guid.NewGuid():N} > /built\n";

        var (_, first, _) = await BuildAsync(dockerfile);
        var (_, second, _) = await BuildAsync(dockerfile);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Equal(2, _console.Scans.Count);
        var steps = second.Output.Split("Step ").Skip(1).ToList();
        Assert.Contains("Using cache", steps.Single(s => s.Contains("> /built", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain("Using cache", steps[^1], StringComparison.Ordinal);
        Assert.Contains("Running in", steps[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Onbuild_triggers_of_the_scanned_stage_do_not_run()
    {
        var dockerfile = $"""
            FROM {Base} AS app
            RUN mkdir -p /lib/apk/db && printf 'P:app\nV:1.0-r0\n\n' > /lib/apk/db/installed
            ONBUILD RUN printf 'P:trigger\nV:6.6-r6\n\n' >> /lib/apk/db/installed
            ONBUILD RUN exit 3
            """;

        var (instrumented, build, _) = await BuildAsync(dockerfile);

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.True(instrumented.SkipsOnBuildTriggers);
        Assert.Equal(["app@1.0-r0"], Assert.Single(_console.Scans).Packages);
    }

    const string Passwd = "root:x:0:0:root:/root:/sbin/nologin\\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\\napp:x:1000:1000:app:/home/app:/sbin/nologin\\n";
    const string Group = "root:x:0:\\nnonroot:x:65532:\\napp:x:1000:\\n";

    public static TheoryData<string, DockerBuilder.Builder> ShapesAndBuilders()
    {
        var data = new TheoryData<string, DockerBuilder.Builder>();
        foreach (var shape in new[] { "scratch-static-binary", "no-etc-at-all", "distroless", "non-root-by-name", "non-root-by-name-without-group-file", "non-root-by-id", "onbuild" })
        {
            foreach (var builder in Enum.GetValues<DockerBuilder.Builder>())
                data.Add(shape, builder);
        }
        return data;
    }

    /// <summary>
    /// The shapes kaniko refused a RUN after USER 0:0 for (no /etc/group) and the ones it accepted, built FROM scratch
    /// from a builder stage; the package database is 0600 and root's, so only a scan running as root finds it.
    /// </summary>
    static string ShapeDockerfile(string shape)
    {
        var etc = shape switch
        {
            "distroless" or "non-root-by-name" => $"&& mkdir -p /out/etc && printf '{Passwd}' > /out/etc/passwd && printf '{Group}' > /out/etc/group",
            "non-root-by-name-without-group-file" => $"&& mkdir -p /out/etc && printf '{Passwd}' > /out/etc/passwd",
            _ => "",
        };
        var user = shape switch
        {
            "scratch-static-binary" => "USER 65532:65532\n",
            "distroless" => "USER 65532\n",
            "non-root-by-name" or "non-root-by-name-without-group-file" => "USER app\n",
            "non-root-by-id" => "USER 1000:1000\n",
            "onbuild" => "USER 65532\nONBUILD RUN [\"/app\", \"false\"]\n",
            _ => "",
        };
        return $"""
            FROM {Base} AS files
            RUN mkdir -p /out/lib/apk/db && printf 'P:kanikobuild-sample\nV:1.0-r0\n\n' > /out/lib/apk/db/installed \
                && chmod 0600 /out/lib/apk/db/installed && cp /bin/busybox /out/app {etc}

            FROM scratch AS app
            COPY --from=files /out/ /

            """ + user + "ENTRYPOINT [\"/app\"]\n";
    }

    [Theory]
    [MemberData(nameof(ShapesAndBuilders))]
    public async Task Scratch_distroless_and_non_root_images_are_scanned_as_root_by_both_builders(string shape, DockerBuilder.Builder builder)
    {
        var (instrumented, build, tag) = await BuildAsync(ShapeDockerfile(shape), builder: builder);

        Assert.True(build.ExitCode == 0, $"{instrumented.Text}\n{build.Output}");
        Assert.Equal(shape == "onbuild", instrumented.SkipsOnBuildTriggers);
        Assert.Equal(["kanikobuild-sample@1.0-r0"], Assert.Single(_console.Scans).Packages);
        var result = JsonNode.Parse((await DockerBuilder.CopyOutOfImageAsync(tag, instrumented.ResultPathInBuild))!)!;
        Assert.True(result["results"]![0]!["vulnerabilityScanPassed"]!.GetValue<bool>());
    }

    public async Task InitializeAsync() => _console = await FakeConsole.StartAsync(DockerBuilder.TestToken);

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await DockerBuilder.RemoveContainersAsync(_containers);
        foreach (var image in _images)
            await DockerBuilder.RemoveImageAsync(image);
    }
}
