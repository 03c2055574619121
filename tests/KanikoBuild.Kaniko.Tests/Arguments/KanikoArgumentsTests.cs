using KanikoBuild.Registry;
using KanikoBuild.Testing;

namespace KanikoBuild.Kaniko.Tests.Arguments;

/// <summary>The request → executor flags mapping, one flag group per test.</summary>
public sealed class KanikoArgumentsTests : IDisposable
{
    static readonly KanikoPaths s_paths = new("/workspace", "/kaniko/output", "/kaniko/secrets");
    readonly TempDirectory _context = new("kanikobuild-args-");

    KanikoBuildRequest Request => new() { Context = KanikoContext.Directory(_context.Path), Destinations = ["registry.example.com/team/app:1.0"] };

    static IReadOnlyList<string> Args(KanikoBuildRequest request) => KanikoArguments.From(request, s_paths);

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Dockerfile_and_directory_context_are_placed_at_the_runners_paths()
    {
        var args = Args(Request with { Dockerfile = "docker/app.Dockerfile", ContextSubPath = "sub" });
        Assert.Equal("--dockerfile=/workspace/docker/app.Dockerfile", args[0]);
        Assert.Equal("--context=dir:///workspace", args[1]);
        Assert.Contains("--context-sub-path=sub", args);
    }

    [Fact]
    public void An_absolute_dockerfile_inside_the_context_becomes_relative_to_it()
    {
        var args = Args(Request with { Dockerfile = _context.Combine("build", "Dockerfile") });
        Assert.Equal("--dockerfile=/workspace/build/Dockerfile", args[0]);
    }

    [Fact]
    public void A_dockerfile_in_a_mounted_folder_is_read_where_the_mount_appears()
    {
        using var tools = new TempDirectory("kanikobuild-tools-");
        var request = Request with
        {
            Dockerfile = tools.Combine("Dockerfile.scan"),
            Mounts = [new KanikoMount(tools.Path, "/kaniko/kanikobuild", ReadOnly: false)],
        };

        Assert.Equal("--dockerfile=/kaniko/kanikobuild/Dockerfile.scan", Args(request)[0]);
        // The local runner's kaniko folder may be elsewhere (tests map it into a temporary root).
        Assert.Equal("--dockerfile=/tmp/k/kanikobuild/Dockerfile.scan", KanikoArguments.From(request, s_paths with { KanikoDirectory = "/tmp/k" })[0]);
        KanikoRequestValidator.Validate(request);
    }

    [Fact]
    public void A_dockerfile_outside_the_context_and_every_mount_is_refused()
    {
        using var elsewhere = new TempDirectory("kanikobuild-elsewhere-");
        var error = Assert.ThrowsAny<PipelineException>(() => KanikoRequestValidator.Validate(Request with { Dockerfile = elsewhere.Combine("Dockerfile") }));
        Assert.Contains("outside the context directory", error.Message);
    }

    [Theory]
    [InlineData("tar://context.tar.gz")]
    [InlineData("git://github.com/acme/app.git#refs/heads/main")]
    [InlineData("s3://bucket/path/context.tar.gz")]
    [InlineData("gs://bucket/context.tar.gz")]
    public void Remote_contexts_are_passed_through(string url)
    {
        var args = Args(Request with { Context = KanikoContext.Parse(url) });
        Assert.Contains($"--context={url}", args);
        Assert.Contains("--dockerfile=Dockerfile", args);
    }

    [Fact]
    public void A_dockerfile_url_is_passed_through()
    {
        Assert.Contains("--dockerfile=https://example.com/Dockerfile", Args(Request with { Dockerfile = "https://example.com/Dockerfile" }));
    }

    [Fact]
    public void Destinations_and_output_files()
    {
        var args = Args(Request with
        {
            Destinations = ["r1.example.com/app:1", "r2.example.com/app:1"],
            TarPath = "/tmp/out/image.tar",
            OciLayoutPath = "/tmp/out/layout",
            ImageNameWithDigestFile = "/tmp/out/names",
        });
        Assert.Equal(["--destination=r1.example.com/app:1", "--destination=r2.example.com/app:1"], args.Where(a => a.StartsWith("--destination", StringComparison.Ordinal)));
        Assert.Contains("--digest-file=/kaniko/output/digest", args);
        Assert.Contains("--image-name-with-digest-file=/kaniko/output/image-name-with-digest", args);
        Assert.Contains("--tar-path=/kaniko/output/image.tar", args);
        Assert.Contains("--oci-layout-path=/kaniko/output/oci-layout", args);
        Assert.DoesNotContain("--no-push", args);
    }

    [Fact]
    public void No_push_without_destinations_still_gets_a_digest_file_but_no_name_file()
    {
        var args = Args(Request with { Destinations = [], NoPush = true, TarPath = "/tmp/x.tar" });
        Assert.Contains("--no-push", args);
        Assert.Contains("--digest-file=/kaniko/output/digest", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--image-name-with-digest-file", StringComparison.Ordinal));
    }

    [Fact]
    public void Cache_flags()
    {
        var args = Args(Request with
        {
            Cache = true,
            CacheRepo = "registry.example.com/team/app/cache",
            CacheTtl = TimeSpan.FromHours(6) + TimeSpan.FromMinutes(30),
            CacheRunLayers = false,
            CacheCopyLayers = true,
            NoPushCache = true,
            CompressedCaching = false,
        });
        Assert.Contains("--cache=true", args);
        Assert.Contains("--cache-repo=registry.example.com/team/app/cache", args);
        Assert.Contains("--cache-ttl=6h30m", args);
        Assert.Contains("--cache-run-layers=false", args);
        Assert.Contains("--cache-copy-layers=true", args);
        Assert.Contains("--no-push-cache", args);
        Assert.Contains("--compressed-caching=false", args);
    }

    [Fact]
    public void Unset_options_leave_kanikos_defaults_alone()
    {
        var args = Args(Request);
        Assert.Equal(
            ["--dockerfile=/workspace/Dockerfile", "--context=dir:///workspace", "--destination=registry.example.com/team/app:1.0",
             "--digest-file=/kaniko/output/digest", "--image-name-with-digest-file=/kaniko/output/image-name-with-digest"],
            args);
    }

    [Fact]
    public void Build_args_stages_and_labels()
    {
        var args = Args(Request with
        {
            BuildArgs = ["VERSION=1.2.3", "EMPTY=", "FROM_ENV", "SPACED=a b c"],
            Targets = ["final"],
            SkipUnusedStages = true,
            Labels = [new("org.opencontainers.image.revision", "abc123"), new("team", "a=b")],
        });
        Assert.Contains("--build-arg=VERSION=1.2.3", args);
        Assert.Contains("--build-arg=EMPTY=", args);
        Assert.Contains("--build-arg=FROM_ENV", args);
        Assert.Contains("--build-arg=SPACED=a b c", args);
        Assert.Contains("--target=final", args);
        Assert.Contains("--skip-unused-stages", args);
        Assert.Contains("--label=org.opencontainers.image.revision=abc123", args);
        Assert.Contains("--label=team=a=b", args);
    }

    [Fact]
    public void Secrets_point_at_the_runners_private_folder_never_at_a_value()
    {
        var file = _context.Write("npmrc", "//registry.npmjs.org/:_authToken=abc");
        var args = Args(Request with { Secrets = [new KanikoSecret("npmrc", file)] });
        Assert.Contains("--secret=id=npmrc,src=/kaniko/secrets/npmrc", args);
        Assert.DoesNotContain(args, a => a.Contains("authToken", StringComparison.Ordinal));
    }

    [Fact]
    public void Registry_flags()
    {
        var args = Args(Request with
        {
            RegistryMirrors = ["mirror.example.com"],
            Insecure = true,
            InsecurePull = true,
            InsecureRegistries = ["127.0.0.1:5000"],
            SkipTlsVerify = true,
            SkipTlsVerifyPull = true,
            SkipTlsVerifyRegistries = ["self-signed.example.com"],
            PushRetry = 3,
        });
        Assert.Contains("--registry-mirror=mirror.example.com", args);
        Assert.Contains("--insecure", args);
        Assert.Contains("--insecure-pull", args);
        Assert.Contains("--insecure-registry=127.0.0.1:5000", args);
        Assert.Contains("--skip-tls-verify", args);
        Assert.Contains("--skip-tls-verify-pull", args);
        Assert.Contains("--skip-tls-verify-registry=self-signed.example.com", args);
        Assert.Contains("--push-retry=3", args);
    }

    [Fact]
    public void Snapshot_and_behaviour_flags()
    {
        var args = Args(Request with
        {
            Reproducible = true,
            SnapshotMode = KanikoSnapshotMode.Redo,
            UseNewRun = true,
            ImageFsExtractRetry = 2,
            CustomPlatform = "linux/arm64",
            Verbosity = KanikoVerbosity.Warn,
            IgnorePaths = ["/var/cache", "/tmp/build"],
        });
        Assert.Contains("--reproducible", args);
        Assert.Contains("--snapshot-mode=redo", args);
        Assert.Contains("--use-new-run", args);
        Assert.Contains("--image-fs-extract-retry=2", args);
        Assert.Contains("--custom-platform=linux/arm64", args);
        Assert.Contains("--verbosity=warn", args);
        Assert.Contains("--ignore-path=/var/cache", args);
        Assert.Contains("--ignore-path=/tmp/build", args);
    }

    [Fact]
    public void Extra_arguments_come_last_unchanged()
    {
        var args = Args(Request with { ExtraArguments = ["--annotation=a=b", "--single-snapshot"] });
        Assert.Equal(["--annotation=a=b", "--single-snapshot"], args.TakeLast(2));
    }

    [Fact]
    public void Credentials_never_reach_the_arguments()
    {
        var args = Args(Request with { RegistryCredentials = new Dictionary<string, RegistryCredential> { ["registry.example.com"] = new("ci", "pa55-w0rd-never-shown") } });
        Assert.DoesNotContain(args, a => a.Contains("pa55-w0rd-never-shown", StringComparison.Ordinal) || a.Contains("ci:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_registered_secret_in_a_build_arg_is_refused()
    {
        Secrets.Register("s3cr3t-build-arg-value");
        var e = Assert.Throws<PipelineException>(() => Args(Request with { BuildArgs = ["TOKEN=s3cr3t-build-arg-value"] }));
        Assert.Contains("--build-arg=TOKEN=[REDACTED]", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-build-arg-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Go_durations_use_hours_as_the_largest_unit()
    {
        Assert.Equal("336h", KanikoArguments.GoDuration(TimeSpan.FromDays(14)));
        Assert.Equal("1h5s", KanikoArguments.GoDuration(TimeSpan.FromSeconds(3605)));
        Assert.Equal("45m", KanikoArguments.GoDuration(TimeSpan.FromMinutes(45)));
    }
}
