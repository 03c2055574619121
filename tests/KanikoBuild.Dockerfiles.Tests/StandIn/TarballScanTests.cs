using System.Text.Json.Nodes;
using KanikoBuild.Testing;

namespace KanikoBuild.Dockerfiles.Tests.StandIn;

/// <summary>
/// The Go stand-in's <c>images scan --tarball</c> (prisma.md §1.3): docker-save tarballs (kaniko's layout and real
/// docker save output, plain or gzipped) unpacked layer by layer with whiteouts and scanned; OCI refused; root or
/// CAP_SYS_CHROOT and CAP_MKNOD required (checked against real processes with fewer privileges, via setpriv).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class TarballScanTests
{
    static readonly LayerEntry[] s_base =
    [
        new LayerEntry.Directory("usr"), new LayerEntry.Directory("usr/lib"),
        new LayerEntry.File("usr/lib/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.14.0\n"),
        new LayerEntry.Hardlink("usr/lib/os-release.copy", "usr/lib/os-release"),
        new LayerEntry.Directory("etc"),
        // Absolute, as on a real Alpine: resolved inside the image, never to the host's /usr/lib/os-release.
        new LayerEntry.Symlink("etc/os-release", "/usr/lib/os-release"),
        new LayerEntry.Directory("lib"), new LayerEntry.Directory("lib/apk"), new LayerEntry.Directory("lib/apk/db"),
        new LayerEntry.File("lib/apk/db/installed", "P:openssl\nV:1.1.1k-r0\n\nP:zlib\nV:1.2.11-r3\n\n"),
    ];

    static string[] Scan(FakeConsole console, string output, string tarball) =>
        ["images", "scan", "--address", console.Address, "--token", console.Token, "--output-file", output, "--details", "--publish=true", "--tarball", tarball];

    static async Task<Shell.Result> RunAsync(IEnumerable<string> arguments, params string[] prefix)
    {
        var binary = await GoBinary.BuildAsync("twistcli");
        if (prefix.Length == 0)
            return await Shell.RunAsync(binary, arguments);
        var setpriv = Peer.RequireExecutable(prefix[0], "util-linux");
        return await Shell.RunAsync(setpriv, [.. prefix[1..], binary, .. arguments]);
    }

    public static TheoryData<string, string[]> Layers => new()
    {
        { "replaced", ["busybox@1.36.1-r15"] },
        { "whiteout", [] },
        { "opaque", [] },
        { "untouched", ["openssl@1.1.1k-r0", "zlib@1.2.11-r3"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public async Task Layers_are_unpacked_in_order_with_whiteouts_and_the_result_names_the_image(string second, string[] packages)
    {
        await using var console = await FakeConsole.StartAsync();
        using var temp = new TempDirectory();
        LayerEntry[] top = second switch
        {
            "replaced" => [new LayerEntry.File("lib/apk/db/installed", "P:busybox\nV:1.36.1-r15\n\n")],
            "whiteout" => [new LayerEntry.Whiteout("lib/apk/db/installed")],
            "opaque" => [new LayerEntry.Directory("lib/apk/db"), new LayerEntry.Opaque("lib/apk/db"), new LayerEntry.File("lib/apk/db/lock", "")],
            _ => [new LayerEntry.File("app", "app\n")],
        };
        var written = ImageTarballs.WriteKanikoLayout(temp.Combine("image.tar"), [new TestLayer("FROM alpine", s_base), new TestLayer("RUN change", top)],
            ["registry.example.com/team/app:1.0", "registry.example.com/team/app:latest"], emptySteps: ["USER 65534"]);
        var output = temp.Combine("result.json");

        var result = await RunAsync(Scan(console, output, written.Path));

        var request = Assert.Single(console.Scans);
        Assert.Equal(packages, request.Packages);
        Assert.Equal("alpine", request.Body["osDistro"]!.GetValue<string>());
        Assert.Equal("3.14.0", request.Body["osDistroRelease"]!.GetValue<string>());
        Assert.Equal("registry.example.com/team/app:1.0", request.ReportId);
        Assert.Equal(packages.Contains("openssl@1.1.1k-r0") ? 1 : 0, result.ExitCode);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(output))!["results"]![0]!;
        Assert.Equal(written.ImageId, file["id"]!.GetValue<string>());
        Assert.Equal("registry.example.com/team/app:1.0", file["name"]!.GetValue<string>());
        Assert.Equal(["FROM alpine", "RUN change", "USER 65534"], file["history"]!.AsArray().Select(h => h!["instruction"]!.GetValue<string>()));
        Assert.Contains("Scan results for: image registry.example.com/team/app:1.0", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_real_docker_save_tarball_plain_or_gzipped_scans_with_its_image_id(bool gzipped)
    {
        await using var console = await FakeConsole.StartAsync();
        using var temp = new TempDirectory();
        var tag = $"kanikobuild-test/altc-standin-{Guid.NewGuid():N}"[..48] + ":1";
        var saved = await ImageTarballs.DockerSaveAsync(temp.Combine(gzipped ? "saved.tar.gz" : "saved.tar"), tag, [("openssl", "1.1.1k-r0")], gzipped);
        var output = temp.Combine("result.json");

        var result = await RunAsync(Scan(console, output, saved.Path));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["openssl@1.1.1k-r0"], Assert.Single(console.Scans).Packages);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(output))!["results"]![0]!;
        Assert.Equal(saved.ImageId, file["id"]!.GetValue<string>());
        Assert.Equal(tag, file["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_oci_archive_is_refused_like_twistcli_does_with_exit_1_and_no_output_file()
    {
        await using var console = await FakeConsole.StartAsync();
        using var temp = new TempDirectory();
        var oci = temp.Combine("oci.tar");
        ImageTarballs.WriteArchive(oci, [("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray()), ("index.json", "{\"schemaVersion\":2,\"manifests\":[]}"u8.ToArray())]);
        var layout = temp.Combine("layout");
        Directory.CreateDirectory(layout);
        await File.WriteAllTextAsync(Path.Combine(layout, "oci-layout"), "{}");
        var output = temp.Combine("result.json");

        foreach (var path in new[] { oci, layout })
        {
            await File.WriteAllTextAsync(output, "{\"stale\":true}");
            var result = await RunAsync(Scan(console, output, path));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("OCI image format is not supported", result.StandardError, StringComparison.Ordinal);
            Assert.False(File.Exists(output));
        }
        Assert.Empty(console.Scans);
    }

    [Theory]
    [InlineData("CAP_SYS_CHROOT, CAP_MKNOD (uid 65534)", new[] { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups" })]
    [InlineData("CAP_MKNOD (uid 0)", new[] { "setpriv", "--bounding-set=-mknod" })]
    [InlineData("CAP_SYS_CHROOT (uid 0)", new[] { "setpriv", "--bounding-set=-sys_chroot" })]
    public async Task Without_root_or_both_capabilities_it_refuses_with_exit_1_and_no_output_file(string missing, string[] prefix)
    {
        Assert.True(Environment.IsPrivilegedProcess, "these checks drop privileges from a root test process with setpriv; run the tests as root (CI does)");
        await using var console = await FakeConsole.StartAsync();
        using var temp = new TempDirectory();
        var written = ImageTarballs.WriteKanikoLayout(temp.Combine("image.tar"), [new TestLayer("FROM alpine", s_base)], ["app:1"]);
        var output = temp.Combine("result.json");

        var result = await RunAsync(Scan(console, output, written.Path), prefix);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("requires root privileges, or the capabilities CAP_SYS_CHROOT and CAP_MKNOD", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"missing from the effective set: {missing}", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(console.Scans);
    }

    [Fact]
    public async Task A_non_root_process_with_both_capabilities_may_scan()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this check hands two capabilities to uid 65534 with setpriv; run the tests as root (CI does)");
        await using var console = await FakeConsole.StartAsync();
        using var temp = new TempDirectory();
        // uid 65534 must be able to read the tarball and write the result.
        File.SetUnixFileMode(temp.Path, (UnixFileMode)0b111_111_111);
        var written = ImageTarballs.WriteKanikoLayout(temp.Combine("image.tar"), [new TestLayer("FROM alpine", s_base)], ["app:1"]);
        File.SetUnixFileMode(written.Path, (UnixFileMode)0b110_100_100);
        var output = temp.Combine("result.json");

        var result = await RunAsync(Scan(console, output, written.Path),
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+sys_chroot,+mknod", "--ambient-caps=+sys_chroot,+mknod");

        Assert.True(result.ExitCode == 1, result.StandardError);
        Assert.Equal(["openssl@1.1.1k-r0", "zlib@1.2.11-r3"], Assert.Single(console.Scans).Packages);
        Assert.Equal(written.ImageId, JsonNode.Parse(await File.ReadAllTextAsync(output))!["results"]![0]!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_summary_line_adds_up_whatever_the_severities(bool consoleSendsDistribution)
    {
        // The Sandbox's vulnerable sample has an "unimportant" CVE: the summary used to drop it (total 13, buckets 12).
        await using var console = await FakeConsole.StartAsync();
        console.SendDistribution = consoleSendsDistribution;
        console.ExtraFindings.AddRange([("CVE-A", "important"), ("CVE-B", "moderate"), ("CVE-C", "unimportant"), ("CVE-D", "negligible"), ("CVE-E", "low")]);
        using var root = new ScanRoot("alpine", "3.14", ("openssl", "1.1.1k-r0"));

        var result = await TwistcliStandIn.RunAsync(TwistcliStandIn.Go, root,
            ["images", "scan", "--containerized", "--address", console.Address, "--token", console.Token, "r"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Vulnerabilities found for image r: total - 6, critical - 1, high - 1, medium - 1, low - 3", result.StandardOutput, StringComparison.Ordinal);
    }
}
