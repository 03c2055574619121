namespace KanikoBuild.Engine.Tests;

/// <summary>A small build run through <see cref="NukeBuild.Execute{T}(EngineContext, System.Linq.Expressions.Expression{Func{T, Target}}[])"/>, as Main runs it.</summary>
public sealed class MissionBuild : NukeBuild
{
    [Parameter("Console URL.")] readonly string? ConsoleUrl;
    [Parameter("Manifest digest of an image pushed earlier.")] readonly string? ImageDigest;
    [Parameter("Console password.")][Secret] readonly string? ConsolePassword;
    [Parameter("Retries.")] readonly int Retries = 1;

    Target PushDev => _ => _
        .Description("Pushes to the dev registry.")
        .OnlyWhenStatic(() => ImageDigest == null)
        .Executes(() => Serilog.Log.Information("pushed with retries={Retries}", Retries));

    public Target AwaitScan => _ => _
        .DependsOn(PushDev)
        .Requires(() => ConsoleUrl)
        .Executes(() =>
        {
            Serilog.Log.Information("logging in to {Url} with {Password}", ConsoleUrl, ConsolePassword);
            ReportSummary("Verdict", "pass");
        });

    Target Promote => _ => _.DependsOn(AwaitScan).Executes(() => throw new PipelineException($"copy failed: registry said 'denied' for password {ConsolePassword}"));

    Target Crash => _ => _.Executes(() => throw new InvalidOperationException("unexpected"));

    Target Test => _ => _.Executes(() => BuildOutput.Final("3 passed, 0 failed, 0 skipped"));
}

[Collection(StaticLoggerCollection.Name)]
public sealed class EndToEndTests
{
    [Fact]
    public void Default_target_runs_and_the_summary_and_outcome_are_printed()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>(["--console-url", "https://console", "--no-logo"], defaults: x => x.AwaitScan);
        Assert.Equal(0, exitCode);
        Assert.Contains("║ PushDev", output);
        Assert.Contains("║ AwaitScan", output);
        Assert.Contains("pushed with retries=1", output);
        Assert.Matches(@"AwaitScan\s+Succeeded\s+< 1sec   // Verdict: pass", output);
        Assert.Contains("Build succeeded on ", output);
        Assert.DoesNotContain("execution engine version", output);
        Assert.True(File.Exists(root.Combine(".nuke", "temp", "build.log")));
        Assert.True(File.Exists(root.Combine(".nuke", "build.schema.json")));
    }

    [Fact]
    public void Static_condition_from_a_parameter_skips_the_dependency()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>(["AwaitScan", "--image-digest", "sha256:ab", "--console-url", "https://c"]);
        Assert.Equal(0, exitCode);
        Assert.Matches(@"PushDev\s+Skipped\s+// OnlyWhen: ImageDigest == null", output);
        Assert.DoesNotContain("pushed with", output);
    }

    [Fact]
    public void Missing_requirement_fails_before_anything_runs()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>(["AwaitScan"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Target 'AwaitScan' requires member 'ConsoleUrl'; pass --console-url, set CONSOLE_URL or add \"ConsoleUrl\" to .nuke/parameters.json.", output);
        Assert.DoesNotContain("pushed with", output);
        Assert.Matches(@"PushDev\s+NotRun", output);
        Assert.Contains("Build failed on ", output);
    }

    [Fact]
    public void Parameters_come_from_the_environment_and_the_parameters_file()
    {
        using var root = new BuildRoot("""{ "$schema": "./build.schema.json", "ConsoleUrl": "https://from-file", "Retries": 5 }""");
        var (exitCode, output) = root.Execute<MissionBuild>(["AwaitScan"], new Dictionary<string, string> { ["NUKE_RETRIES"] = "7" });
        Assert.Equal(0, exitCode);
        Assert.Contains("pushed with retries=7", output);
        Assert.Contains("logging in to https://from-file", output);
    }

    [Fact]
    public void Secret_parameter_is_masked_wherever_it_is_logged()
    {
        using var root = new BuildRoot();
        var secret = "pw-" + Guid.NewGuid().ToString("N")[..10];
        var (exitCode, output) = root.Execute<MissionBuild>(["Promote", "--console-url", "https://c"], new Dictionary<string, string> { ["CONSOLE_PASSWORD"] = secret });
        Assert.NotEqual(0, exitCode);
        Assert.Contains("logging in to https://c with [REDACTED]", output);
        Assert.Contains("copy failed: registry said 'denied' for password [REDACTED]", output);
        Assert.DoesNotContain(secret, output);
        Assert.DoesNotContain(secret, File.ReadAllText(root.Combine(".nuke", "temp", "build.log")));
    }

    [Fact]
    public void Pipeline_exception_is_one_line_and_other_exceptions_show_the_stack()
    {
        using var root = new BuildRoot();
        var (_, promote) = root.Execute<MissionBuild>(["Promote", "--console-url", "https://c", "--skip"]);
        Assert.Contains("[ERR] copy failed: registry said 'denied' for password", promote);
        Assert.DoesNotContain("   at ", promote);
        Assert.Matches(@"Promote\s+Failed\s+< 1sec   // Error: copy failed", promote);
        // Repeated after the blocks, so it is not lost in a collapsed CI group.
        var repeat = promote.IndexOf("Repeating warnings and errors:", StringComparison.Ordinal);
        Assert.True(repeat > promote.IndexOf("[ERR] copy failed", StringComparison.Ordinal));
        Assert.Contains("[ERR] Promote: copy failed: registry said 'denied'", promote[repeat..]);

        var (exitCode, crash) = root.Execute<MissionBuild>(["Crash"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Target Crash has thrown an exception: unexpected", crash);
        Assert.Contains("   at ", crash);
    }

    [Fact]
    public void The_recap_lists_a_repeated_warning_once_with_a_count_and_a_verdict_error_once()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<RecapBuild>(["Verdict"]);

        Assert.NotEqual(0, exitCode);
        var recap = output[output.IndexOf("Repeating warnings and errors:", StringComparison.Ordinal)..];
        recap = recap[..recap.IndexOf("Target ", StringComparison.Ordinal)];
        // The live log keeps every line; the recap one per problem, with the last occurrence's numbers.
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Count(output[..output.IndexOf("Repeating", StringComparison.Ordinal)], "to POST /authenticate; retry"));
        Assert.Contains("[WRN] Retries: Console failed (connection refused) to POST /authenticate; retry 5 of 6 in 7.5 s (5 times)", recap);
        Assert.Contains("[WRN] Retries: Console failed (connection refused) to GET /registry; retry 1 of 6 in 0.8 s", recap);
        Assert.DoesNotContain("GET /registry; retry 1 of 6 in 0.8 s (", recap);
        Assert.Contains("[WRN] Retries: --console-url is plain http", recap);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(recap, "Scan verdict for app:1: FAILED"));
        Assert.Contains("[ERR] Verdict: Scan verdict for app:1: FAILED, 1 critical (limit 0)", recap);
        Assert.DoesNotContain("times)", recap[recap.IndexOf("[ERR]", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void A_target_sees_the_targets_still_to_run_without_the_skipped_ones()
    {
        using var root = new BuildRoot();
        ScheduleBuild.Seen.Clear();
        var (exitCode, _) = root.Execute<ScheduleBuild>(["Third", "--skip", "First"]);

        Assert.Equal(0, exitCode);
        Assert.Equal(["Second: Second,Third", "Third: Third"], ScheduleBuild.Seen);
    }

    [Fact]
    public void Unknown_target_fails_and_lists_the_targets()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>(["NoSuchTarget"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Target with name 'NoSuchTarget' does not exist. Available targets are:", output);
        Assert.Contains("  - AwaitScan", output);
        Assert.Contains("  - Promote", output);
    }

    [Fact]
    public void Unknown_switch_and_bad_value_fail_with_a_clear_error()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>(["PushDev", "--retrys", "2"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Unknown argument '--retrys'; run --help to list the parameters.", output);

        (exitCode, output) = root.Execute<MissionBuild>(["PushDev", "--retries", "two"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Parameter 'Retries' from the command line (--retries): 'two' is not an integer.", output);
    }

    [Fact]
    public void Help_prints_targets_and_parameters_and_exits_zero()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>(["--help", "--no-logo"], defaults: x => x.AwaitScan);
        Assert.Equal(0, exitCode);
        Assert.Contains("  AwaitScan (default)  -> PushDev", output);
        Assert.Contains("  --console-password", output);
        Assert.Contains("  --verbosity", output);
        Assert.DoesNotContain("[INF] Targets", output);
    }

    [Fact]
    public void No_target_and_no_default_prints_help()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>([]);
        Assert.Equal(0, exitCode);
        Assert.Contains("Targets (with their direct dependencies):", output);
    }

    [Fact]
    public void Plan_is_printed_and_written_to_the_temp_directory()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>(["Promote", "--plan"]);
        Assert.Equal(0, exitCode);
        Assert.Contains("PushDev --> AwaitScan", output);
        Assert.Contains("Execution plan: PushDev → AwaitScan → Promote", output);
        Assert.Contains("AwaitScan --> Promote", File.ReadAllText(root.Combine(".nuke", "temp", "execution-plan.mmd")));
    }

    [Fact]
    public void Target_parameter_with_plus_and_root_parameter_work_from_elsewhere()
    {
        using var root = new BuildRoot();
        using var elsewhere = new KanikoBuild.Testing.TempDirectory();
        var console = new StringWriter();
        var context = new EngineContext(["--target", "PushDev+Test", "--root", root.Path], new Dictionary<string, string>(), elsewhere.Path, console)
        {
            Colors = false,
            HandleSignals = false,
        };
        Assert.Equal(0, NukeBuild.Execute<MissionBuild>(context));
        var output = console.ToString();
        var text = output.Replace("\r\n", "\n");
        Assert.Contains("\n3 passed, 0 failed, 0 skipped\n", text);
        // Repeated as the very last line, after the outcome, for tools that read the totals.
        Assert.EndsWith("\n3 passed, 0 failed, 0 skipped\n", text);
        Assert.True(text.LastIndexOf("Build succeeded", StringComparison.Ordinal) < text.LastIndexOf("3 passed", StringComparison.Ordinal));
        Assert.Contains("║ Test", output);
        Assert.True(Directory.Exists(Path.Combine(root.Path, ".nuke", "temp")));
    }

    [Fact]
    public void Missing_root_marker_is_a_clear_error()
    {
        using var elsewhere = new KanikoBuild.Testing.TempDirectory();
        var console = new StringWriter();
        var context = new EngineContext(["PushDev"], new Dictionary<string, string>(), elsewhere.Path, console) { Colors = false, HandleSignals = false };
        Assert.NotEqual(0, NukeBuild.Execute<MissionBuild>(context));
        Assert.Contains("Could not locate the root directory: no '.nuke' directory in", console.ToString());
    }

    [Fact]
    public void GitHub_Actions_host_groups_each_target()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>(["PushDev"], new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true" });
        Assert.Equal(0, exitCode);
        var text = output.Replace("\r\n", "\n");
        Assert.Contains("\n::group::PushDev\n", text);
        Assert.Contains("\n::endgroup::\n", text);
    }

    [Fact]
    public void Quiet_verbosity_hides_information()
    {
        using var root = new BuildRoot();
        var (exitCode, output) = root.Execute<MissionBuild>(["PushDev", "--verbosity", "quiet"]);
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("pushed with", output);
        Assert.DoesNotContain("Build succeeded", output);
    }

    [Fact]
    public void Cancellation_aborts_and_exits_non_zero()
    {
        using var root = new BuildRoot();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var (exitCode, output) = root.Execute<MissionBuild>(["PushDev"], cancellation: cts.Token);
        Assert.NotEqual(0, exitCode);
        Assert.Matches(@"PushDev\s+NotRun", output);
    }
}
