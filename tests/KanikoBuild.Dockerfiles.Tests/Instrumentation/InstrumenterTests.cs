using System.Text.Json;

namespace KanikoBuild.Dockerfiles.Tests.Instrumentation;

public class InstrumenterTests
{
    static readonly ScanStageOptions s_options = new() { ConsoleAddress = "https://console.example.com:8083", ReportId = "report-1" };

    static InstrumentedDockerfile Instrument(string text, ScanStageOptions? options = null) =>
        ScanInstrumenter.Instrument(DockerfileParser.Parse(text, "Dockerfile"), options ?? s_options);

    static IReadOnlyList<string> ScanRun(InstrumentedDockerfile instrumented)
    {
        var reparsed = DockerfileParser.Parse(instrumented.Text);
        var run = reparsed.Stages[^1].Instructions.Last();
        Assert.Equal("RUN", run.Keyword);
        return run.ExecForm!;
    }

    [Theory]
    [MemberData(nameof(Corpus.All), MemberType = typeof(Corpus))]
    public void Every_corpus_file_keeps_its_text_and_gets_a_last_scan_stage(string name)
    {
        var original = Corpus.Parse(name);
        var instrumented = ScanInstrumenter.Instrument(original, s_options);
        var reparsed = DockerfileParser.Parse(instrumented.Text);
        var target = original.Stages[^1];

        if (target.Name is null)
        {
            // The only change allowed: " AS <name>" on the scanned stage's FROM.
            var added = $" AS {instrumented.ScannedStage}";
            var at = instrumented.Text.IndexOf(added, StringComparison.Ordinal);
            Assert.True(at > target.From.StartOffset);
            Assert.StartsWith(original.Text, instrumented.Text.Remove(at, added.Length), StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith(original.Text, instrumented.Text, StringComparison.Ordinal);
            Assert.Equal(target.Name.ToLowerInvariant(), instrumented.ScannedStage);
        }
        Assert.Equal(original.Instructions.Count, reparsed.Instructions.Count - (target.OnBuildTriggers.Any() ? 4 : 3));
        Assert.Equal(original.Stages.Count + 1, reparsed.Stages.Count);
        Assert.Equal(instrumented.ScannedStage, reparsed.Stages[target.Index].Name, ignoreCase: true);
        var scan = reparsed.Stages[^1];
        Assert.Equal(instrumented.ScanStage, scan.Name);
        Assert.Equal(original.LineEnding, reparsed.LineEnding);
        if (!target.OnBuildTriggers.Any())
            Assert.Same(reparsed.Stages[target.Index], scan.BaseStage);
        Assert.Equal(["USER", "RUN"], scan.Instructions.Where(i => i.Keyword is "USER" or "RUN").Select(i => i.Keyword));
        // An empty user, not 0:0: kaniko looks no user up for the scan step (see ScanInstrumenter.ResetUser).
        Assert.Equal("\"\"", scan.Instructions.Single(i => i.Keyword == "USER").Arguments);
    }

    [Theory]
    [InlineData("FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n")]
    [InlineData("FROM scratch\nCOPY app /app\nUSER 65532:65532\n")]
    [InlineData("FROM gcr.io/distroless/static\nUSER 65532\n")]
    [InlineData("FROM alpine\nRUN adduser -D app\nUSER app\n")]
    [InlineData("FROM alpine\nUSER root\n")]
    [InlineData("FROM scratch AS app\nCOPY app /app\nUSER 65532\nONBUILD COPY . /src\n")]
    public void The_scan_stage_resets_the_user_instead_of_naming_root_and_leaves_the_scanned_stage_alone(string dockerfile)
    {
        var instrumented = Instrument(dockerfile);
        var reparsed = DockerfileParser.Parse(instrumented.Text);
        var scan = reparsed.Stages[^1];
        var appended = instrumented.Text[instrumented.Text.IndexOf("# Added by KanikoBuild", StringComparison.Ordinal)..];

        Assert.Equal(["USER \"\""], scan.Instructions.Where(i => i.Keyword == "USER").Select(i => i.ToString().TrimEnd()));
        Assert.DoesNotContain("0:0", appended, StringComparison.Ordinal);
        Assert.DoesNotContain("root", appended, StringComparison.Ordinal);
        // The reset comes after everything that fills the scan stage's filesystem, right before the scan step.
        Assert.Equal(["USER", "RUN"], scan.Instructions.TakeLast(2).Select(i => i.Keyword));
        // What is scanned keeps its own user: the original stages are the original text.
        var scanned = reparsed.Stages[instrumented.ScannedStageIndex];
        Assert.Equal(DockerfileParser.Parse(dockerfile).Stages[^1].Instructions.Count, scanned.Instructions.Count);
    }

    [Fact]
    public void The_scan_step_is_exec_form_and_carries_every_option()
    {
        var instrumented = Instrument("FROM alpine\n", s_options with { Project = "team a", CaCertificate = true, Publish = false, JobName = "ci/app" });
        var run = ScanRun(instrumented);

        Assert.Equal("/busybox/sh", run[0]);
        Assert.Equal("-c", run[1]);
        var script = run[2];
        Assert.Contains("exec /kaniko/kanikobuild/twistcli images scan --containerized --address 'https://console.example.com:8083' --details " +
            "--output-file /kaniko/kanikobuild/out/report-1.json --publish=false --project 'team a' --tlscacert /kaniko/kanikobuild/ca.pem " +
            "--token \"$token\" report-1", script, StringComparison.Ordinal);
        Assert.EndsWith(" report-1", script, StringComparison.Ordinal);
        Assert.Contains("read -r token < \"$t\"", script, StringComparison.Ordinal);
        Assert.Contains("t=/kaniko/kanikobuild/secrets/console-token", script, StringComparison.Ordinal);
        Assert.Contains("export JOB_NAME='ci/app'", script, StringComparison.Ordinal);
        Assert.Equal("/kaniko/kanikobuild/out/report-1.json", instrumented.ResultPathInBuild);
        Assert.Equal("out/report-1.json", instrumented.ResultRelativePath);
    }

    [Fact]
    public void Without_project_or_ca_those_flags_are_absent_and_publish_is_explicit()
    {
        var script = ScanRun(Instrument("FROM alpine\n"))[2];

        Assert.DoesNotContain("--project", script, StringComparison.Ordinal);
        Assert.DoesNotContain("--tlscacert", script, StringComparison.Ordinal);
        Assert.Contains("--publish=true", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_token_is_never_in_the_dockerfile_and_values_are_quoted_for_the_shell()
    {
        var instrumented = Instrument("FROM alpine\n", s_options with { Project = "it's; rm -rf /", ConsoleAddress = "https://console.example.com/tenant'x" });
        var script = ScanRun(instrumented)[2];

        Assert.Contains("--project 'it'\"'\"'s; rm -rf /'", script, StringComparison.Ordinal);
        Assert.Contains("--address 'https://console.example.com/tenant'\"'\"'x'", script, StringComparison.Ordinal);
        Assert.DoesNotContain("TWISTLOCK_PASSWORD", instrumented.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("--password", instrumented.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ARG", instrumented.Text[instrumented.Text.IndexOf("# Added by KanikoBuild", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_instrumentation_gets_a_fresh_report_id_so_the_scan_step_text_changes()
    {
        var dockerfile = DockerfileParser.Parse("FROM alpine\nRUN echo cached\n");
        var first = ScanInstrumenter.Instrument(dockerfile, s_options with { ReportId = null });
        var second = ScanInstrumenter.Instrument(dockerfile, s_options with { ReportId = null });

        Assert.NotEqual(first.ReportId, second.ReportId);
        Assert.Matches("^kanikobuild-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{12}$", first.ReportId);
        Assert.NotEqual(ScanRun(first)[2], ScanRun(second)[2]);
        Assert.Contains(first.ReportId, ScanRun(first)[2], StringComparison.Ordinal);
        // The original instructions, and so their cache keys, are the same in both.
        var originalPart = (InstrumentedDockerfile i) => i.Text[..i.Text.IndexOf("# Added by KanikoBuild", StringComparison.Ordinal)];
        Assert.Equal(originalPart(first), originalPart(second));
    }

    [Fact]
    public void An_unnamed_target_gets_a_name_after_its_image_even_across_continuations()
    {
        var instrumented = Instrument("FROM alpine AS build\nRUN make\n\nFROM --platform=linux/amd64 \\\n  # the runtime\n  busybox:1.36   \nCOPY --from=build /a /a\n");

        Assert.Equal("FROM alpine AS build\nRUN make\n\nFROM --platform=linux/amd64 \\\n  # the runtime\n  busybox:1.36 AS kanikobuild-scanned   \nCOPY --from=build /a /a\n",
            instrumented.Text[..instrumented.Text.IndexOf("\n# Added", StringComparison.Ordinal)]);
        Assert.True(instrumented.AddedStageName);
        Assert.Equal("kanikobuild-scanned", instrumented.ScannedStage);
    }

    [Fact]
    public void Stage_by_name_or_index_and_later_stages_are_left_alone()
    {
        const string text = "FROM alpine AS build\nRUN make\nFROM build AS test\nRUN make test\nFROM busybox\nCOPY --from=build /a /a\n";

        var byName = Instrument(text, s_options with { Stage = "BUILD" });
        Assert.Equal("build", byName.ScannedStage);
        Assert.Equal(0, byName.ScannedStageIndex);
        Assert.StartsWith(text, byName.Text, StringComparison.Ordinal);
        Assert.Contains("FROM build AS kanikobuild-scan\n", byName.Text, StringComparison.Ordinal);

        var byIndex = Instrument(text, s_options with { Stage = "1" });
        Assert.Equal("test", byIndex.ScannedStage);
        Assert.Contains("FROM test AS kanikobuild-scan\n", byIndex.Text, StringComparison.Ordinal);

        var mixedCase = Instrument("FROM alpine AS Builder\n");
        Assert.Equal("builder", mixedCase.ScannedStage);
        Assert.Contains("FROM builder AS kanikobuild-scan\n", mixedCase.Text, StringComparison.Ordinal);

        var last = Instrument(text, s_options with { Stage = "2" });
        Assert.Equal("kanikobuild-scanned", last.ScannedStage);
        Assert.Equal(last.ScanStage, DockerfileParser.Parse(last.Text).Stages[^1].Name);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("3")]
    [InlineData("-1")]
    public void An_unknown_stage_is_one_clear_error_listing_the_stages(string stage)
    {
        var error = Assert.Throws<PipelineException>(() => Instrument("FROM alpine AS build\nFROM busybox\n", s_options with { Stage = stage }));

        Assert.Equal($"Unknown stage '{stage}' in Dockerfile; --stage takes a stage name or a 0-based index. Stages: 0 (build), 1.", error.Message);
    }

    [Fact]
    public void Generated_names_never_clash_with_the_users_stages()
    {
        var instrumented = Instrument("FROM alpine AS kanikobuild-scan\nFROM kanikobuild-scan AS kanikobuild-scanned\nFROM busybox\n",
            s_options with { ToolsImage = "tools:1" });
        var stages = DockerfileParser.Parse(instrumented.Text).Stages;

        Assert.Equal("kanikobuild-scanned-2", instrumented.ScannedStage);
        Assert.Equal("kanikobuild-scan-2", instrumented.ScanStage);
        Assert.Equal(stages.Count, stages.Select(s => s.Name!.ToLowerInvariant()).Distinct().Count());
    }

    [Fact]
    public void Onbuild_triggers_of_the_target_do_not_run_in_the_scan()
    {
        var instrumented = ScanInstrumenter.Instrument(Corpus.Parse("onbuild.Dockerfile"), s_options with { Stage = "onbuild-base" });
        var scan = DockerfileParser.Parse(instrumented.Text).Stages[^1];

        Assert.True(instrumented.SkipsOnBuildTriggers);
        Assert.Equal("scratch", scan.BaseImage);
        Assert.Equal("onbuild-base", scan.Instructions[0].Flag("from"));
        Assert.Equal("/ /", scan.Instructions[0].Body);

        var app = ScanInstrumenter.Instrument(Corpus.Parse("onbuild.Dockerfile"), s_options);
        Assert.False(app.SkipsOnBuildTriggers); // its base's triggers ran when 'app' was built, as in the release build
        Assert.Equal("app", DockerfileParser.Parse(app.Text).Stages[^1].BaseImage);
    }

    [Fact]
    public void Tools_from_a_helper_stage_for_builders_without_mounts()
    {
        var instrumented = Instrument("FROM scratch\nCOPY app /app\n",
            s_options with { ToolsImage = "kanikobuild-test/scan-tools:1", ToolsDirectory = "/kanikobuild", ShellPath = "/kanikobuild/sh" });
        var stages = DockerfileParser.Parse(instrumented.Text).Stages;

        Assert.Equal("kanikobuild-test/scan-tools:1", stages[1].BaseImage);
        Assert.Equal("kanikobuild-scan-tools", stages[1].Name);
        var scan = stages[2];
        Assert.Equal(["USER", "COPY", "RUN"], scan.Instructions.Select(i => i.Keyword));
        Assert.Equal("kanikobuild-scan-tools", scan.Instructions[1].Flag("from"));
        Assert.Equal("/kanikobuild /kanikobuild", scan.Instructions[1].Body);
        Assert.Equal("/kanikobuild/sh", scan.Instructions[2].ExecForm![0]);
        Assert.Equal("/kanikobuild/out/report-1.json", instrumented.ResultPathInBuild);
    }

    [Fact]
    public void Nothing_in_the_scan_stage_comes_from_the_build_context()
    {
        foreach (var options in new[] { s_options, s_options with { ToolsImage = "tools:1" } })
        {
            var scan = DockerfileParser.Parse(Instrument("FROM alpine\n", options).Text).Stages[^1];
            Assert.All(scan.Instructions.Where(i => i.Keyword is "COPY" or "ADD"), i => Assert.NotNull(i.Flag("from")));
        }
    }

    [Fact]
    public void Crlf_files_stay_crlf_and_a_missing_final_newline_is_added_before_the_scan_stage()
    {
        var crlf = Instrument("FROM alpine\r\nRUN x\r\n");
        Assert.DoesNotContain("\n", crlf.Text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var noNewline = Instrument("FROM alpine\nRUN echo last");
        Assert.StartsWith("FROM alpine AS kanikobuild-scanned\nRUN echo last\n\n# Added by KanikoBuild", noNewline.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_ending_inside_a_continuation_is_refused_rather_than_extended()
    {
        var error = Assert.Throws<DockerfileSyntaxException>(() => Instrument("FROM alpine\nRUN echo a \\\n\n"));

        Assert.Equal(2, error.Line);
        Assert.Contains("ends inside a line continuation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_heredoc_at_the_end_is_closed_before_the_scan_stage()
    {
        var instrumented = Instrument("FROM alpine\nRUN <<EOF\necho hi\nEOF");
        var reparsed = DockerfileParser.Parse(instrumented.Text);

        Assert.Equal("echo hi\n", reparsed.Instructions[1].Heredocs[0].Content);
        Assert.Equal(instrumented.ScanStage, reparsed.Stages[^1].Name);
    }

    [Fact]
    public void Backtick_escape_files_get_a_scan_stage_their_parser_reads_the_same_way()
    {
        var instrumented = ScanInstrumenter.Instrument(Corpus.Parse("backtick-windows-crlf.Dockerfile"), s_options);
        var run = ScanRun(instrumented);

        Assert.Equal(3, run.Count);
        Assert.DoesNotContain("`", instrumented.Text[instrumented.Text.IndexOf("# Added", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://console", null, null)]
    [InlineData("console.example.com", null, null)]
    [InlineData("https://console\n.example.com", null, null)]
    [InlineData("https://console", "relative/path", null)]
    [InlineData("https://console", "/kaniko/with space", null)]
    [InlineData("https://console", null, "bad id")]
    public void Bad_options_are_one_clear_error(string address, string? tools, string? reportId)
    {
        var options = s_options with { ConsoleAddress = address, ToolsDirectory = tools ?? ScanToolsLayout.DefaultDirectory, ReportId = reportId ?? "r" };

        Assert.Throws<PipelineException>(() => Instrument("FROM alpine\n", options));
    }

    [Fact]
    public void The_run_line_is_valid_json_without_escapes_a_dockerfile_would_misread()
    {
        var line = Instrument("FROM alpine\n").Text.Split('\n').Single(l => l.StartsWith("RUN [", StringComparison.Ordinal));

        Assert.Equal(3, JsonSerializer.Deserialize<string[]>(line[4..])!.Length);
        Assert.False(line.TrimEnd().EndsWith('\\'));
    }

    [Theory]
    [MemberData(nameof(Corpus.All), MemberType = typeof(Corpus))]
    public void In_stage_the_last_stage_itself_ends_with_the_reset_user_and_the_scan_step(string name)
    {
        var original = Corpus.Parse(name);
        var instrumented = ScanInstrumenter.Instrument(original, s_options with { InStage = true });
        var reparsed = DockerfileParser.Parse(instrumented.Text);
        var target = original.Stages[^1];

        Assert.True(instrumented.ScansInStage);
        Assert.False(instrumented.SkipsOnBuildTriggers);
        // The original text, at most named, then only the two lines of the scan step: no stage is added.
        var withoutName = target.Name is null ? instrumented.Text.Replace($" AS {instrumented.ScannedStage}", "", StringComparison.Ordinal) : instrumented.Text;
        Assert.StartsWith(original.Text, withoutName, StringComparison.Ordinal);
        Assert.Equal(original.Stages.Count, reparsed.Stages.Count);
        Assert.Equal(original.Instructions.Count + 2, reparsed.Instructions.Count);
        var scanned = reparsed.Stages[^1];
        Assert.Equal(instrumented.ScannedStage, scanned.Name, ignoreCase: true);
        Assert.Equal(instrumented.ScannedStage, instrumented.ScanStage);
        Assert.Equal(target.Instructions.Count + 2, scanned.Instructions.Count);
        Assert.Equal(["USER", "RUN"], scanned.Instructions.TakeLast(2).Select(i => i.Keyword));
        Assert.Equal("\"\"", scanned.Instructions[^2].Arguments);
        Assert.Equal("/busybox/sh", scanned.Instructions[^1].ExecForm![0]);
    }

    [Fact]
    public void In_stage_a_stage_that_is_not_the_last_one_still_gets_a_scan_stage_of_its_own()
    {
        const string text = "FROM alpine AS build\nRUN make\nFROM busybox\nCOPY --from=build /a /a\n";
        var instrumented = Instrument(text, s_options with { InStage = true, Stage = "build" });

        Assert.False(instrumented.ScansInStage);
        Assert.Equal("kanikobuild-scan", instrumented.ScanStage);
        Assert.StartsWith(text, instrumented.Text, StringComparison.Ordinal);
        Assert.Contains("FROM build AS kanikobuild-scan\n", instrumented.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void In_stage_keeps_a_stages_own_onbuild_triggers_out_of_it_without_copying_the_stage()
    {
        // A stage's ONBUILD triggers run only in stages built FROM it; ending the stage itself runs none of them.
        var instrumented = Instrument("FROM scratch AS app\nCOPY app /app\nUSER 65532\nONBUILD RUN false\n", s_options with { InStage = true });
        var stage = DockerfileParser.Parse(instrumented.Text).Stages.Single();

        Assert.False(instrumented.SkipsOnBuildTriggers);
        Assert.DoesNotContain("COPY --from", instrumented.Text, StringComparison.Ordinal);
        Assert.Equal(["COPY", "USER", "ONBUILD", "USER", "RUN"], stage.Instructions.Select(i => i.Keyword));
    }

    [Fact]
    public void In_stage_is_refused_with_a_tools_image()
    {
        var error = Assert.Throws<PipelineException>(() => Instrument("FROM alpine\n", s_options with { InStage = true, ToolsImage = "tools:1" }));
        Assert.Contains("tools image", error.Message, StringComparison.Ordinal);
    }
}
