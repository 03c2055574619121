using KanikoBuild.ConsoleSimulator;
using KanikoBuild.Prisma.Tests.Support;
using KanikoBuild.Prisma.Waiting;
using KanikoBuild.Registry;

namespace KanikoBuild.Prisma.Tests;

/// <summary>AwaitScan against the simulator, which really pulls the pushed images from a real registry.</summary>
public sealed class ScanWaiterTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    string RegistryHost => fixture.Registry.Host;

    /// <summary>What AwaitScan waits with: the image (typed, as the preflight hands it over) and the Console.</summary>
    sealed record Arguments(ScanWaitRequest Request, ComputeClientOptions Console);

    Arguments ArgumentsFor(ConsoleScenario scenario, PushedImage image, double? timeoutSeconds = null, bool trigger = true, string? password = null) => new(
        new ScanWaitRequest
        {
            DevRegistry = RegistrySpec.Parse(RegistryHost),
            Repository = image.Repository,
            Tag = image.Tag,
            ManifestDigest = Digest.Parse(image.ManifestDigest),
            ConfigDigest = Digest.Parse(image.ConfigDigest),
            PushedAt = scenario.Clock.Time.GetUtcNow(),
            TriggerScan = trigger,
            Timeout = timeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : ScanWaitOptions.DefaultTimeout,
        },
        new ComputeClientOptions { ConsoleUrl = scenario.Simulator.ConsoleUrl, Username = ConsoleScenario.Admin, Password = password ?? ConsoleScenario.AdminPassword });

    sealed record Outcome(Results.RegistryScanEntry Entry, Scanning.Verdict Verdict, ScanWaitResult Wait);

    // The wait, then the verdict AwaitScan applies: the default policy (no critical, no high).
    static async Task<Outcome> Run(ConsoleScenario scenario, Arguments arguments)
    {
        var wait = await AwaitScanCommand.WaitAsync(arguments.Request, arguments.Console, CancellationToken.None, scenario.Clock.Time, scenario.Log.Logger, scenario.Clock.Transport);
        var result = Scanning.ScanResultReader.FromRegistryEntry(wait.Entry.Raw);
        var verdict = Scanning.PolicyEvaluator.Evaluate(result, Scanning.ScanPolicy.Parse("{}", "default"), DateOnly.FromDateTime(scenario.Clock.Time.GetUtcNow().UtcDateTime));
        return new Outcome(wait.Entry, verdict, wait);
    }

    static string Repository() => $"team/app-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task Passes_on_a_clean_result_for_the_pushed_digest()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        var image = await TestImage.PushAsync(RegistryHost, Repository(), "1.0", TestImage.Clean);

        var outcome = await scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, image)));

        Assert.True(outcome.Verdict.Passed);
        Assert.Contains(image.ManifestDigest, outcome.Entry.ManifestDigests);
        Assert.Equal(image.ConfigDigest, outcome.Entry.ImageId);
        Assert.InRange(outcome.Wait.Waited, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        Assert.InRange(outcome.Wait.Requests, 3, 20);
        Assert.Equal(1, scenario.Control.CountRequests("POST", "/api/v1/registry/scan"));
        Assert.Contains(scenario.Log.Lines, l => l.Contains("Waiting for the scan of") && l.Contains("no result for the image yet"));
        Assert.DoesNotContain(ConsoleScenario.AdminPassword, scenario.AllOutput);
    }

    [Fact]
    public async Task Fails_on_the_new_images_criticals_although_an_older_clean_result_for_the_tag_exists()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        var repository = Repository();
        var older = await TestImage.PushAsync(RegistryHost, repository, "latest", TestImage.Clean);
        await scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, older)));
        scenario.Clock.Time.Advance(TimeSpan.FromMinutes(10));
        var newer = await TestImage.PushAsync(RegistryHost, repository, "latest", TestImage.Critical);

        var outcome = await scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, newer)));

        Assert.False(outcome.Verdict.Passed);
        Assert.Contains(outcome.Verdict.Reasons, r => r.Contains("1 critical"));
        Assert.Contains(outcome.Verdict.Reasons, r => r.Contains("1 high"));
        Assert.Contains(newer.ManifestDigest, outcome.Entry.ManifestDigests);
        // While the new scan ran, the tag's result was the older, clean image: seen and not counted.
        Assert.Contains(scenario.Log.Lines, l => l.Contains("of another image") && l.Contains(older.ManifestDigest[..19]));
    }

    [Fact]
    public async Task Fails_within_the_timeout_when_no_result_comes()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        var image = await TestImage.PushAsync(RegistryHost, Repository(), "1.0", TestImage.Clean);
        var start = scenario.Clock.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, image, timeoutSeconds: 120, trigger: false))));

        Assert.Contains("within 00:02:00", error.Message);
        Assert.Contains("Last state: no result for the image yet", error.Message);
        Assert.Contains("--trigger-scan is false", error.Message);
        Assert.InRange(scenario.Clock.Time.GetUtcNow() - start, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(125));
        Assert.Equal(0, scenario.Control.CountRequests("POST", "/api/v1/registry/scan"));
    }

    [Fact]
    public async Task Times_out_with_the_last_state_when_only_the_older_image_was_ever_scanned()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        var repository = Repository();
        var older = await TestImage.PushAsync(RegistryHost, repository, "2.0", TestImage.Clean);
        await scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, older)));
        var newer = await TestImage.PushAsync(RegistryHost, repository, "2.0", TestImage.Clean);

        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, newer, timeoutSeconds: 90, trigger: false))));

        Assert.Contains("the tag's result is of another image", error.Message);
    }

    [Fact]
    public async Task Fails_at_once_with_a_clear_message_on_wrong_credentials()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        var image = await TestImage.PushAsync(RegistryHost, Repository(), "1.0", TestImage.Clean);
        const string wrong = "Wr0ng-Canary-Pa55w0rd-77aa";
        var start = scenario.Clock.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<ComputeApiException>(() => scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, image, password: wrong))));

        Assert.Contains("rejected the credentials", error.Message);
        Assert.True(scenario.Clock.Time.GetUtcNow() - start < TimeSpan.FromSeconds(2));
        Assert.Single(scenario.Control.Requests, r => r.Path.StartsWith("/api/", StringComparison.Ordinal));
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, scenario.AllOutput);
    }

    [Fact]
    public async Task Rides_out_a_Console_outage_in_the_middle_of_the_wait()
    {
        await using var scenario = await ConsoleScenario.StartAsync(o => o.ScanDuration = TimeSpan.FromSeconds(60));
        var image = await TestImage.PushAsync(RegistryHost, Repository(), "1.0", TestImage.Clean);
        scenario.Control.FailNext(40, 503, "/registry");

        var outcome = await scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, image, timeoutSeconds: 600)));

        Assert.True(outcome.Verdict.Passed);
        Assert.Contains(scenario.Log.Lines, l => l.Contains("Polling the Console failed"));
    }

    [Fact]
    public async Task A_scan_the_Console_reports_as_failed_ends_the_wait_at_once()
    {
        await using var scenario = await ConsoleScenario.StartAsync(o => o.ScanDuration = TimeSpan.FromSeconds(2));
        var image = await TestImage.PushAsync(RegistryHost, Repository(), "1.0", TestImage.Clean);
        var missing = image with { ManifestDigest = "sha256:" + new string('0', 64) };

        var error = await Assert.ThrowsAsync<PipelineException>(() => scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, missing))));

        Assert.Contains("scan of", error.Message);
        Assert.Contains("failed", error.Message);
        Assert.True(scenario.Clock.Time.GetUtcNow() - scenario.Clock.Time.Start < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_low_only_result_passes_the_default_policy_and_field_variants_are_read()
    {
        await using var scenario = await ConsoleScenario.StartAsync(o => o.Fields = new FieldVariants
        {
            CveInId = true, NumbersAsStrings = true, NullArrays = true, SwapFixDateName = true, SwapRiskFactorsShape = true,
        });
        var image = await TestImage.PushAsync(RegistryHost, Repository(), "1.0", TestImage.LowOnly);

        var outcome = await scenario.Clock.RunAsync(Run(scenario, ArgumentsFor(scenario, image)));

        Assert.True(outcome.Verdict.Passed);
        Assert.Equal(new Results.VulnerabilityDistribution(0, 0, 0, 2, 2), outcome.Entry.Distribution);
        Assert.Equal(2, Scanning.ScanResultReader.FromRegistryEntry(outcome.Entry.Raw).Vulnerabilities.Count(v => v.Severity == Scanning.Severity.Low));
    }

    [Fact]
    public async Task With_a_dev_registry_prefix_the_Console_repository_includes_it()
    {
        await using var scenario = await ConsoleScenario.StartAsync();
        var image = await TestImage.PushAsync(RegistryHost, "dev/" + Repository(), "1.0", TestImage.Clean);
        var plain = ArgumentsFor(scenario, image);
        var arguments = plain with { Request = plain.Request with { DevRegistry = RegistrySpec.Parse(RegistryHost + "/dev"), Repository = image.Repository["dev/".Length..] } };

        var outcome = await scenario.Clock.RunAsync(Run(scenario, arguments));

        Assert.Equal(image.Repository, outcome.Entry.RepoTag!.Repo);
    }

    [Fact]
    public void Examine_never_counts_another_digest_or_a_scan_before_the_push()
    {
        var push = new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.Zero);
        var ours = "sha256:" + new string('b', 64);
        var request = new ScanWaitRequest { DevRegistry = RegistrySpec.Parse("r:5000"), Repository = "team/app", Tag = "1", ManifestDigest = Digest.Parse(ours), PushedAt = push };
        var stale = Entry(ComputeClientTests.SeededResult("r:5000", "team/app", "1", "sha256:" + new string('a', 64), scanTime: push.AddMinutes(5)));
        var early = Entry(ComputeClientTests.SeededResult("r:5000", "team/app", "1", ours, scanTime: push.AddMinutes(-5)));
        var fresh = Entry(ComputeClientTests.SeededResult("r:5000", "team/app", "1", ours, scanTime: push.AddSeconds(40)));

        Assert.Null(ScanWaiter.Examine([stale], request, push).Match);
        Assert.Null(ScanWaiter.Examine([stale, early], request, push).Match);
        Assert.Contains("before", ScanWaiter.Examine([stale, early], request, push).Observation);
        Assert.Same(fresh, ScanWaiter.Examine([stale, early, fresh], request, push).Match);
    }

    static Results.RegistryScanEntry Entry(System.Text.Json.Nodes.JsonObject json) =>
        Results.RegistryScanEntry.Parse(System.Text.Json.JsonDocument.Parse(json.ToJsonString()).RootElement);
}
