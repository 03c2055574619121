using KanikoBuild.Engine.Logging;
using KanikoBuild.Testing;
using Serilog;

namespace KanikoBuild.Engine.Tests;

public sealed class SecretMaskingTests
{
    // Secrets are process-wide; unique values keep parallel tests apart.
    static string NewSecret() => "s3cr3t-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public void Masks_values_in_properties_and_in_the_template_text()
    {
        var secret = NewSecret();
        Secrets.Register(secret);
        using var log = new CapturedLog();
        log.Logger.Information("token {Token} for {User}", secret, "admin");
        log.Logger.Information($"interpolated {secret} text");
        Assert.DoesNotContain(secret, log.Text);
        Assert.Contains("token [REDACTED] for admin", log.Text);
        Assert.Contains("interpolated [REDACTED] text", log.Text);
    }

    [Fact]
    public void Masks_multi_line_messages_and_nested_values()
    {
        var secret = NewSecret();
        Secrets.Register(secret);
        using var log = new CapturedLog();
        log.Logger.Information("{Output}", $"line one\nAuthorization: Bearer {secret}\nline three");
        log.Logger.Information("{@Request}", new { Url = new Uri($"https://user:{secret}@registry.example/v2/"), Headers = new[] { $"X-Token: {secret}" } });
        log.Logger.Information("{Map}", new Dictionary<string, string> { ["password"] = secret });
        Assert.DoesNotContain(secret, log.Text);
        Assert.Contains("Authorization: Bearer [REDACTED]\nline three", log.Text.Replace("\r\n", "\n"));
        Assert.Contains("X-Token: [REDACTED]", log.Text);
    }

    [Fact]
    public void Masks_exception_messages_and_stack_text()
    {
        var secret = NewSecret();
        Secrets.Register(secret);
        using var log = new CapturedLog();
        try
        {
            throw new InvalidOperationException($"login failed for password {secret}", new IOException($"inner {secret}"));
        }
        catch (InvalidOperationException e)
        {
            log.Logger.Error(e, "Failed");
        }
        Assert.DoesNotContain(secret, log.Text);
        Assert.Contains("System.InvalidOperationException: login failed for password [REDACTED]", log.Text);
        Assert.Contains("inner [REDACTED]", log.Text);
        Assert.Contains("   at ", log.Text);
    }

    [Fact]
    public void Masks_the_log_file_too()
    {
        var secret = NewSecret();
        Secrets.Register(secret);
        using var directory = new TempDirectory();
        var file = directory.Combine("build.log");
        using (var log = new CapturedLog(file: file))
            log.Logger.Warning("file {Secret}", secret);
        var text = File.ReadAllText(file);
        Assert.Contains("file [REDACTED]", text);
        Assert.DoesNotContain(secret, text);
    }

    [Fact]
    public void The_log_file_gets_masked_properties_nested_values_and_exceptions_at_every_level()
    {
        var secret = NewSecret();
        Secrets.Register(secret);
        using var directory = new TempDirectory();
        var file = directory.Combine(".nuke", "temp", "build.log");
        // The console shows errors only; the file has every level, and every one of them passes the masking step.
        using (var log = new CapturedLog(Serilog.Events.LogEventLevel.Error, file))
        {
            log.Logger.Verbose("{Output}", $"line one\nAuthorization: Bearer {secret}");
            log.Logger.Debug("{@Request}", new { Url = new Uri($"https://user:{secret}@registry.example/v2/"), Headers = new[] { $"X-Token: {secret}" } });
            log.Logger.Information($"interpolated {secret} text");
            log.Logger.Error(new InvalidOperationException($"login failed for password {secret}"), "Failed for {User}", secret);
        }
        var text = File.ReadAllText(file);
        Assert.DoesNotContain(secret, text);
        Assert.Contains("Authorization: Bearer [REDACTED]", text);
        Assert.Contains("X-Token: [REDACTED]", text);
        Assert.Contains("interpolated [REDACTED] text", text);
        Assert.Contains("| E |", text);
        Assert.Contains("Failed for [REDACTED]", text);
        Assert.Contains("System.InvalidOperationException: login failed for password [REDACTED]", text);
    }

    [Fact]
    public void Each_line_of_a_multi_line_secret_is_masked_when_printed_line_by_line()
    {
        var key = $"-----BEGIN KEY-----\n{NewSecret()}\n{NewSecret()}\n-----END KEY-----";
        Parameters.ParameterService.RegisterSecret(key);
        using var log = new CapturedLog();
        foreach (var line in key.Split('\n'))
            log.Logger.Information("{Line}", line);
        foreach (var line in key.Split('\n').Skip(1).Take(2))
            Assert.DoesNotContain(line, log.Text);
    }

    [Fact]
    public void Leaves_events_without_secrets_untouched()
    {
        var logEvent = new Serilog.Events.LogEvent(DateTimeOffset.Now, Serilog.Events.LogEventLevel.Information, null,
            new Serilog.Parsing.MessageTemplateParser().Parse("plain {X}"), [new Serilog.Events.LogEventProperty("X", new Serilog.Events.ScalarValue("nothing here"))]);
        Secrets.Register(NewSecret());
        Assert.Same(logEvent, SecretMaskingSink.Mask(logEvent));
    }
}

[Collection(StaticLoggerCollection.Name)]
public sealed class ProcessOutputMaskingTests
{
    [Fact]
    public async Task Subprocess_output_through_ProcessRunner_is_masked()
    {
        var secret = "proc-" + Guid.NewGuid().ToString("N")[..12];
        Secrets.Register(secret);
        using var log = new CapturedLog();
        var previous = Log.Logger;
        Log.Logger = log.Logger;
        try
        {
            var sh = Peer.RequireExecutable("sh", "dash");
            var exitCode = await ProcessRunner.RunAsync(new ProcessSpec(sh, ["-c", "printf 'user=admin\\npassword=%s\\n' \"$S\"; echo \"err $S\" >&2"])
            {
                Environment = new Dictionary<string, string?> { ["S"] = secret },
            });
            Assert.Equal(0, exitCode);
        }
        finally
        {
            Log.Logger = previous;
        }
        Assert.Contains("user=admin", log.Text);
        Assert.Contains("password=[REDACTED]", log.Text);
        Assert.Contains("err [REDACTED]", log.Text);
        Assert.DoesNotContain(secret, log.Text);
    }
}
