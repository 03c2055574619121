using KanikoBuild.Engine.Logging;
using KanikoBuild.Testing;
using Serilog.Events;

namespace KanikoBuild.Engine.Tests;

/// <summary>
/// What the console and <c>.nuke/temp/build.log</c> look like (Nuke's formats, nuke.md §1.11), through the engine's
/// real logging pipeline: masking, then the console sink and Serilog.Sinks.File.
/// </summary>
public sealed class LogFormatTests
{
    static string[] Lines(string text) => text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');

    [Fact]
    public void Console_lines_are_time_level_and_message()
    {
        using var log = new CapturedLog();
        log.Logger.Information("pushed {Digest} to {Count} registries", "sha256:ab", 2);
        log.Logger.Warning("slow");
        log.Logger.Error("failed");
        var lines = Lines(log.Text);
        Assert.Matches(@"^\d\d:\d\d:\d\d \[INF\] pushed sha256:ab to 2 registries$", lines[0]);
        Assert.Matches(@"^\d\d:\d\d:\d\d \[WRN\] slow$", lines[1]);
        Assert.Matches(@"^\d\d:\d\d:\d\d \[ERR\] failed$", lines[2]);
    }

    [Fact]
    public void Console_writes_an_exception_below_its_line()
    {
        using var log = new CapturedLog();
        log.Logger.Error(new InvalidOperationException("boom"), "Target failed");
        var lines = Lines(log.Text);
        Assert.Matches(@"^\d\d:\d\d:\d\d \[ERR\] Target failed$", lines[0]);
        Assert.Equal("System.InvalidOperationException: boom", lines[1]);
    }

    [Fact]
    public void Console_leaves_out_levels_below_its_own()
    {
        using var log = new CapturedLog(LogEventLevel.Information);
        log.Logger.Debug("detail");
        log.Logger.Information("shown");
        Assert.DoesNotContain("detail", log.Text);
        Assert.Contains("[INF] shown", log.Text);
    }

    [Theory]
    [InlineData("::group::Build")]
    [InlineData("::warning::kaniko image is not pinned by digest")]
    [InlineData("::error file=Dockerfile,line=3::unknown instruction")]
    [InlineData("\u001b[0Ksection_start:1700000000:target_build[collapsed=true]\r\u001b[0KBuild")]
    public void Raw_lines_pass_through_as_they_are_even_in_colour(string line)
    {
        using var writer = new StringWriter();
        using (var logger = EngineLogging.Create(writer, LogEventLevel.Verbose, colors: true))
        {
            logger.Debug("a grey line before");
            logger.ForContext(ConsoleSink.RawProperty, true).Warning("{Line:l}", line);
        }
        // The command starts its own line: the grey line's reset comes before its line break, and no colour is added.
        Assert.Equal(line, Lines(writer.ToString())[1]);
    }

    [Fact]
    public void Colours_follow_the_level_and_only_when_asked()
    {
        using var coloured = new StringWriter();
        using (var logger = EngineLogging.Create(coloured, LogEventLevel.Verbose, colors: true))
        {
            logger.Information("plain");
            logger.Warning("careful");
            logger.Error("broken");
        }
        var lines = Lines(coloured.ToString());
        Assert.DoesNotContain('\u001b', lines[0]);
        Assert.StartsWith("\u001b[33m", lines[1]);
        Assert.EndsWith("careful\u001b[0m", lines[1]);
        Assert.StartsWith("\u001b[31m", lines[2]);

        using var log = new CapturedLog();
        log.Logger.Error("broken");
        Assert.DoesNotContain('\u001b', log.Text);
    }

    [Fact]
    public void The_file_has_every_level_in_Nukes_file_format_with_the_target()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine(".nuke", "temp", "build.log");
        string? target = null;
        using (var logger = EngineLogging.Create(TextWriter.Null, LogEventLevel.Error, colors: false, file, () => target))
        {
            logger.Information("before any target");
            target = "PushDev";
            logger.Verbose("kaniko said {Line}", "INFO[0001] Pushing");
            logger.Warning("retrying");
        }
        var lines = Lines(File.ReadAllText(file));
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} \| I \| {21} \| before any target$", lines[0]);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} \| V \| PushDev {13} \| kaniko said INFO\[0001\] Pushing$", lines[1]);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} \| W \| PushDev {13} \| retrying$", lines[2]);
    }

    [Fact]
    public void The_file_holds_one_run()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("build.log");
        using (var first = EngineLogging.Create(TextWriter.Null, LogEventLevel.Error, colors: false, file))
            first.Information("first run");
        using (var second = EngineLogging.Create(TextWriter.Null, LogEventLevel.Error, colors: false, file))
            second.Information("second run");
        var text = File.ReadAllText(file);
        Assert.DoesNotContain("first run", text);
        Assert.Single(Lines(text));
    }

    [Fact]
    public void The_file_is_readable_while_the_build_writes_it()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("build.log");
        using var logger = EngineLogging.Create(TextWriter.Null, LogEventLevel.Error, colors: false, file);
        logger.Information("written at once");
        // Each event is flushed: a CI step that tails the log, or a crash, loses nothing.
        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        Assert.Contains("written at once", reader.ReadToEnd());
    }
}
