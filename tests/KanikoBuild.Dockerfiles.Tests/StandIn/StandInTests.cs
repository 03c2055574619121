using System.Net;
using System.Text.Json.Nodes;

namespace KanikoBuild.Dockerfiles.Tests.StandIn;

/// <summary>The twistcli stand-ins behave as documented (CONTRACTS.md §2, prisma.md §1): both variants where they overlap.</summary>
public class StandInTests
{
    public static TheoryData<string> Variants => new() { TwistcliStandIn.Go, TwistcliStandIn.Script };

    static string[] Scan(FakeConsole console, string output, string reportId, params string[] extra) =>
        ["images", "scan", "--containerized", "--address", console.Address, "--details", "--output-file", output, "--publish=true", .. extra, "--token", console.Token, reportId];

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task A_clean_image_passes_with_exit_0_and_writes_the_result(string variant)
    {
        await using var console = await FakeConsole.StartAsync();
        using var root = new ScanRoot("alpine", "3.19", ("zlib", "1.3.1-r0"), ("busybox", "1.36.1-r15"));
        var output = root.Output("result.json");

        var result = await TwistcliStandIn.RunAsync(variant, root, Scan(console, output, "report-pass", "--project", "team a"),
            new Dictionary<string, string> { ["JOB_NAME"] = "ci/app" });

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        var request = Assert.Single(console.Scans);
        Assert.Equal("report-pass", request.ReportId);
        Assert.Equal(["zlib@1.3.1-r0", "busybox@1.36.1-r15"], request.Packages);
        Assert.Equal("alpine", request.Body["osDistro"]!.GetValue<string>());
        Assert.Equal("3.19", request.Body["osDistroRelease"]!.GetValue<string>());
        Assert.True(request.Body["publish"]!.GetValue<bool>());
        Assert.Equal("ci/app", request.Body["jobName"]!.GetValue<string>());
        Assert.Equal("team a", request.Project);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        Assert.True(file["results"]![0]!["vulnerabilityScanPassed"]!.GetValue<bool>());
        Assert.StartsWith(console.Address + "/#!/monitor/", file["consoleURL"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Vulnerability threshold check results: PASS", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task A_policy_failure_exits_1_and_still_writes_the_result(string variant)
    {
        await using var console = await FakeConsole.StartAsync();
        console.PassedFlagName = "vulnerabilitiesScanPassed";
        using var root = new ScanRoot("alpine", "3.14", ("openssl", "1.1.1k-r0"));
        var output = root.Output("result.json");

        var result = await TwistcliStandIn.RunAsync(variant, root, Scan(console, output, "report-fail"));

        Assert.Equal(1, result.ExitCode);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        Assert.False(file["results"]![0]!["vulnerabilitiesScanPassed"]!.GetValue<bool>());
        Assert.Equal("CVE-2021-3711", file["results"]![0]!["vulnerabilities"]![0]!["id"]!.GetValue<string>());
        Assert.Contains("FAIL", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task A_tool_failure_exits_1_and_leaves_no_output_file(string variant)
    {
        await using var console = await FakeConsole.StartAsync();
        using var root = new ScanRoot(packages: ("zlib", "1.3.1-r0"));
        var output = root.Output("result.json");
        await File.WriteAllTextAsync(output, "{\"stale\":true}");
        string[] wrongToken = ["images", "scan", "--containerized", "--address", console.Address, "--output-file", output, "--token", "wrong", "r1"];

        var unauthorized = await TwistcliStandIn.RunAsync(variant, root, wrongToken);

        Assert.Equal(1, unauthorized.ExitCode);
        Assert.Contains("401", unauthorized.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        console.ScanStatus = HttpStatusCode.InternalServerError;
        var broken = await TwistcliStandIn.RunAsync(variant, root, Scan(console, output, "r2"));
        Assert.Equal(1, broken.ExitCode);
        Assert.False(File.Exists(output));

        string[] unreachable = ["images", "scan", "--containerized", "--address", $"http://127.0.0.1:{KanikoBuild.Testing.FreePort.Next()}", "--output-file", output, "--token", "t", "r3"];
        var down = await TwistcliStandIn.RunAsync(variant, root, unreachable);
        Assert.Equal(1, down.ExitCode);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Credentials_fall_back_to_the_environment_and_go_through_authenticate(string variant)
    {
        await using var console = await FakeConsole.StartAsync();
        using var root = new ScanRoot();
        string[] args = ["images", "scan", "--containerized", "--address", console.Address, "report-env"];

        var result = await TwistcliStandIn.RunAsync(variant, root, args,
            new Dictionary<string, string> { ["TWISTLOCK_USER"] = console.User, ["TWISTLOCK_PASSWORD"] = console.Password });

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal([console.User], console.Authentications);
        Assert.Equal($"Bearer {console.Token}", Assert.Single(console.Scans).Authorization);

        var wrong = await TwistcliStandIn.RunAsync(variant, root, ["images", "scan", "--containerized", "--address", console.Address, "-u", console.User, "-p", "nope", "r"]);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Single(console.Scans);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Options_after_the_image_are_ignored(string variant)
    {
        await using var console = await FakeConsole.StartAsync();
        using var root = new ScanRoot();

        var result = await TwistcliStandIn.RunAsync(variant, root,
            ["images", "scan", "--containerized", "--address", console.Address, "--token", console.Token, "the-report", "--project", "ignored", "--vulnerability-threshold", "high"]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var request = Assert.Single(console.Scans);
        Assert.Equal("the-report", request.ReportId);
        Assert.Null(request.Project);
    }

    [Theory]
    [InlineData("go", "--vulnerability-threshold", "vulnerability-threshold")]
    [InlineData("go", "--compliance-threshold", "compliance-threshold")]
    [InlineData("go", "--only-fixed", "only-fixed")]
    [InlineData("go", "--ci", "ci")]
    [InlineData("sh", "--vulnerability-threshold", "vulnerability-threshold")]
    [InlineData("sh", "--ci", "ci")]
    public async Task Removed_flags_are_an_incorrect_usage(string variant, string flag, string name)
    {
        await using var console = await FakeConsole.StartAsync();
        using var root = new ScanRoot();
        var output = root.Output("result.json");

        var result = await TwistcliStandIn.RunAsync(variant, root,
            ["images", "scan", "--containerized", "--address", console.Address, "--output-file", output, flag, "high", "--token", console.Token, "r"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"Incorrect Usage: flag provided but not defined: -{name}", result.StandardError.Trim());
        Assert.Empty(console.Scans);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Address_is_required_and_plain_http_only_reaches_loopback(string variant)
    {
        using var root = new ScanRoot();

        var missing = await TwistcliStandIn.RunAsync(variant, root, ["images", "scan", "--containerized", "--token", "t", "r"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--address", missing.StandardError, StringComparison.Ordinal);

        var remote = await TwistcliStandIn.RunAsync(variant, root, ["images", "scan", "--containerized", "--address", "http://console.example.com", "--token", "t", "r"]);
        Assert.Equal(1, remote.ExitCode);
        Assert.Contains("https", remote.StandardError, StringComparison.Ordinal);

        var notContainerized = await TwistcliStandIn.RunAsync(variant, root, ["images", "scan", "--address", "http://127.0.0.1:1", "--token", "t", "r"]);
        Assert.Equal(1, notContainerized.ExitCode);
    }

    [Fact]
    public async Task The_go_stand_in_prints_the_details_table_and_checks_the_ca_file()
    {
        await using var console = await FakeConsole.StartAsync();
        using var root = new ScanRoot("alpine", "3.14", ("openssl", "1.1.1k-r0"));

        var details = await TwistcliStandIn.RunAsync(TwistcliStandIn.Go, root, Scan(console, root.Output("r.json"), "r"));
        Assert.Matches(@"CVE-2021-3711\s+critical\s+9.8\s+openssl\s+1.1.1k-r0\s+fixed in 1.1.1l-r0", details.StandardOutput);

        var missingCa = await TwistcliStandIn.RunAsync(TwistcliStandIn.Go, root, Scan(console, root.Output("ca.json"), "r", "--tlscacert", "/nonexistent/ca.pem"));
        Assert.Equal(1, missingCa.ExitCode);
        Assert.Contains("CA certificate", missingCa.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(root.Output("ca.json")));
    }

    [Fact]
    public async Task An_image_without_package_database_or_os_release_is_scanned_as_unknown()
    {
        await using var console = await FakeConsole.StartAsync();
        using var root = new ScanRoot();
        File.Delete(Path.Combine(root.Path, "lib/apk/db/installed"));
        File.Delete(Path.Combine(root.Path, "etc/os-release"));

        var result = await TwistcliStandIn.RunAsync(TwistcliStandIn.Go, root, Scan(console, root.Output("r.json"), "r"));

        Assert.Equal(0, result.ExitCode);
        var request = Assert.Single(console.Scans);
        Assert.Empty(request.Packages);
        Assert.Equal("unknown", request.Body["osDistro"]!.GetValue<string>());
    }
}
