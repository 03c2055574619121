using KanikoBuild.Engine.Execution;
using KanikoBuild.Engine.Output;
using KanikoBuild.Engine.Parameters;
using KanikoBuild.Testing;

namespace KanikoBuild.Engine.Tests;

public sealed class OutputTests
{
    public sealed class HelpBuild : NukeBuild
    {
        [Parameter("Console URL")] public readonly string? ConsoleUrl;
        [Parameter] public readonly string? Undescribed;
        [Parameter("Hidden.", List = false)] public readonly string? Hidden;

        public Target PushDev => _ => _.Description("Pushes to the dev registry.").Executes(() => { });
        public Target AwaitScan => _ => _.DependsOn(PushDev).Executes(() => { });
        public Target Internal => _ => _.Unlisted().Executes(() => { });
    }

    static string Help()
    {
        var parameters = ParameterDescriptor.FromBuildType(typeof(HelpBuild)).Concat(BuiltInParameters.All).ToList();
        return HelpText.Format(TargetFactory.Create(new HelpBuild()), ["AwaitScan"], parameters).Replace("\r\n", "\n");
    }

    [Fact]
    public void Help_lists_targets_with_direct_dependencies_then_parameters()
    {
        var help = Help();
        Assert.StartsWith("Targets (with their direct dependencies):\n\n  PushDev\n    Pushes to the dev registry.\n  AwaitScan (default)  -> PushDev\n", help);
        Assert.DoesNotContain("Internal", help);
        Assert.Contains("\nParameters:\n\n", help);
        Assert.Contains("  --console-url  ", help);
        Assert.Contains("Console URL.\n", help);
        Assert.Contains("  --undescribed  ", help);
        Assert.Contains("<no description>", help);
        Assert.DoesNotContain("--hidden", help);
        Assert.Contains("List of targets to be invoked. Default is 'AwaitScan'.", help);
        // The build's parameters come first, then a blank line, then the engine's.
        Assert.True(help.IndexOf("--undescribed", StringComparison.Ordinal) < help.IndexOf("--help", StringComparison.Ordinal));
        Assert.Contains("\n\n  --help ", help);
    }

    [Fact]
    public void Long_descriptions_wrap_under_the_description_column()
    {
        var lines = HelpText.Wrap(string.Join(' ', Enumerable.Repeat("word", 40)), 80).ToList();
        Assert.True(lines.Count > 1);
        Assert.All(lines, l => Assert.True(l.Length <= 80));
    }

    [Fact]
    public void Plan_is_a_mermaid_graph_with_dependency_and_ordering_edges()
    {
        var targets = TargetFactory.Create(new OrderingBuild());
        var plan = ExecutionPlanner.Plan(targets, ["Publish"]);
        var text = PlanText.Format(targets, plan).Replace("\r\n", "\n");
        Assert.StartsWith("graph LR\n", text);
        Assert.Contains("    Restore --> Compile\n", text);
        Assert.Contains("    Compile --> Publish\n", text);
        Assert.Contains("    Test -.-> Publish\n", text);
        Assert.Contains("    Clean -.-> Restore\n", text);
        Assert.Contains("    class Restore,Compile,Publish planned\n", text);
    }

    [Fact]
    public void Summary_has_nukes_layout_with_reasons_and_failures()
    {
        var targets = TargetFactory.Create(new ChainBuild());
        var plan = ExecutionPlanner.Plan(targets, ["C", "E"]);
        plan.Get("A").Status = ExecutionStatus.Succeeded;
        plan.Get("A").Duration = TimeSpan.FromMilliseconds(300);
        plan.Get("B").Status = ExecutionStatus.Skipped;
        plan.Get("B").SummaryInformation["Skipped"] = "via --skip";
        plan.Get("C").Status = ExecutionStatus.Failed;
        plan.Get("C").Duration = TimeSpan.FromSeconds(75);
        plan.Get("C").SummaryInformation["Error"] = "no digest";
        plan.Get("E").Status = ExecutionStatus.NotRun;

        var lines = SummaryTable.Format(plan).Select(l => l.Text).ToList();
        Assert.Equal(new string('═', 39), lines[0]);
        Assert.Equal("Target             Status      Duration", lines[1]);
        Assert.Equal(new string('─', 39), lines[2]);
        Assert.Equal("A                  Succeeded     < 1sec", lines[3]);
        Assert.Equal("B".PadRight(19) + "Skipped".PadRight(10) + new string(' ', 10) + "   // Skipped: via --skip", lines[4]);
        Assert.Equal("C                  Failed          1:15   // Error: no digest", lines[5]);
        Assert.Equal("E                  NotRun", lines[6].TrimEnd());
        Assert.Equal("Total                              1:15", lines[8]);
        Assert.Equal(BuildOutcome.Failed, SummaryTable.Outcome(plan, failedBeforeRunning: false));
        Assert.StartsWith("Build failed on 2026-01-02 03:04:05.", SummaryTable.OutcomeLine(BuildOutcome.Failed, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
    }

    [Fact]
    public void Summary_column_widens_for_long_target_names()
    {
        var targets = TargetFactory.Create(new ConditionBuild());
        var plan = ExecutionPlanner.Plan(targets, ["GuardedKeepsDependencies"]);
        var lines = SummaryTable.Format(plan).Select(l => l.Text).ToList();
        Assert.Equal("GuardedKeepsDependencies".Length + 4 + 20, lines[0].Length);
    }

    [Theory]
    [InlineData(0.4, "< 1sec")]
    [InlineData(5, "0:05")]
    [InlineData(3725, "62:05")]
    public void Durations_are_minutes_and_seconds(double seconds, string expected)
    {
        Assert.Equal(expected, SummaryTable.FormatDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(Host.Terminal, "╬══════════\n║ Build\n╬══\n")]
    [InlineData(Host.GitHubActions, "::group::Build\n")]
    [InlineData(Host.GitLab, "\u001b[0Ksection_start:1700000000:target_build[collapsed=true]\r\u001b[0KBuild\n")]
    public void Target_blocks_follow_the_host(Host host, string expectedStart)
    {
        using var log = new CapturedLog();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var blocks = new TargetBlocks(log.Logger, host, time);
        blocks.Begin("Build");
        blocks.End("Build");
        var text = log.Text.Replace("\r\n", "\n");
        Assert.Contains(expectedStart, text);
        if (host == Host.GitHubActions)
            Assert.EndsWith("::endgroup::\n", text);
        if (host == Host.GitLab)
            Assert.EndsWith("\u001b[0Ksection_end:1700000000:target_build\r\u001b[0K\n", text);
    }

    [Theory]
    [InlineData("GITHUB_ACTIONS", "true", Host.GitHubActions)]
    [InlineData("GITLAB_CI", "true", Host.GitLab)]
    [InlineData("TF_BUILD", "True", Host.AzurePipelines)]
    [InlineData("CI", "true", Host.GenericCi)]
    [InlineData("CI", "false", Host.Terminal)]
    public void Hosts_are_detected_from_their_variables(string variable, string value, Host expected)
    {
        Assert.Equal(expected, HostDetection.Detect(new Dictionary<string, string> { [variable] = value }));
    }

    [Fact]
    public void Schema_lists_targets_and_typed_parameters_and_is_written_only_when_changed()
    {
        var targets = TargetFactory.Create(new HelpBuild());
        var parameters = ParameterDescriptor.FromBuildType(typeof(ParameterServiceTests.ParameterBuild)).Concat(BuiltInParameters.All).ToList();
        var schema = SchemaWriter.Generate(targets, parameters);
        using var document = System.Text.Json.JsonDocument.Parse(schema);
        var root = document.RootElement;
        Assert.Equal(["PushDev", "AwaitScan", "Internal"], root.GetProperty("definitions").GetProperty("ExecutableTarget").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var custom = root.GetProperty("allOf")[0].GetProperty("properties");
        Assert.Equal("array", custom.GetProperty("Destination").GetProperty("type").GetString());
        Assert.Equal("boolean", custom.GetProperty("OverwriteTags").GetProperty("type").GetString());
        Assert.Equal("integer", custom.GetProperty("Retries").GetProperty("type").GetString());
        Assert.Equal(["Docker", "Local"], custom.GetProperty("Runner").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.True(custom.GetProperty("Password").TryGetProperty("default", out _));
        Assert.True(root.GetProperty("definitions").GetProperty("NukeBuild").GetProperty("properties").TryGetProperty("Verbosity", out _));

        using var directory = new TempDirectory();
        var path = directory.Combine("build.schema.json");
        var stamp = directory.Combine("temp", "stamp");
        Assert.True(SchemaWriter.WriteIfChanged(path, stamp, "v1", () => schema));
        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddHours(-1));
        Assert.False(SchemaWriter.WriteIfChanged(path, stamp, "v2", () => schema));
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(path));
        var generated = false;
        Assert.False(SchemaWriter.WriteIfChanged(path, stamp, "v2", () => { generated = true; return schema; }));
        Assert.False(generated);
    }
}
