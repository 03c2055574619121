using KanikoBuild.Registry;
using KanikoBuild.Testing;

namespace KanikoBuild.Kaniko.Tests.Arguments;

public sealed class KanikoRequestValidatorTests : IDisposable
{
    readonly TempDirectory _context = new("kanikobuild-validate-");

    KanikoBuildRequest Request => new() { Context = KanikoContext.Directory(_context.Path), Destinations = ["registry.example.com/app:1"] };

    public void Dispose() => _context.Dispose();

    static string Problem(KanikoBuildRequest request) =>
        Assert.Throws<PipelineException>(() => KanikoRequestValidator.Validate(request)).Message;

    [Fact]
    public void A_valid_request_passes() => KanikoRequestValidator.Validate(Request);

    [Fact]
    public void No_destination_and_no_no_push() =>
        Assert.Contains("no destination", Problem(Request with { Destinations = [] }), StringComparison.Ordinal);

    [Fact]
    public void Cache_with_no_push_needs_a_cache_repo() =>
        Assert.Contains("--cache with --no-push needs a cache repository", Problem(Request with { Cache = true, NoPush = true }), StringComparison.Ordinal);

    [Fact]
    public void Cache_with_no_push_and_a_cache_repo_is_fine() =>
        KanikoRequestValidator.Validate(Request with { Cache = true, NoPush = true, CacheRepo = "registry.example.com/app/cache" });

    [Fact]
    public void Image_name_with_digest_file_needs_a_destination() =>
        Assert.Contains("--image-name-with-digest-file needs at least one destination",
            Problem(Request with { Destinations = [], NoPush = true, ImageNameWithDigestFile = "/tmp/names" }), StringComparison.Ordinal);

    [Fact]
    public void Cache_options_without_the_cache() =>
        Assert.Contains("the cache is off", Problem(Request with { CacheRepo = "registry.example.com/app/cache" }), StringComparison.Ordinal);

    [Fact]
    public void Negative_retries() =>
        Assert.Contains("--push-retry cannot be negative", Problem(Request with { PushRetry = -1 }), StringComparison.Ordinal);

    [Fact]
    public void A_dockerfile_outside_the_context() =>
        Assert.Contains("outside the context directory", Problem(Request with { Dockerfile = "/etc/Dockerfile" }), StringComparison.Ordinal);

    [Fact]
    public void A_stdin_context_is_refused() =>
        Assert.Contains("tar://stdin", Problem(Request with { Context = KanikoContext.Remote("tar://stdin") }), StringComparison.Ordinal);

    [Fact]
    public void A_bad_build_arg_name() =>
        Assert.Contains("build argument", Problem(Request with { BuildArgs = ["=value"] }), StringComparison.Ordinal);

    [Fact]
    public void Secrets_need_a_file_and_a_plain_id()
    {
        var message = Problem(Request with { Secrets = [new KanikoSecret("bad/id", _context.Write("s", "x")), new KanikoSecret("missing", _context.Combine("nope"))] });
        Assert.Contains("the secret id 'bad/id'", message, StringComparison.Ordinal);
        Assert.Contains("the file of secret 'missing'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/etc/tools", "must be an absolute path under /kaniko/")]
    [InlineData("kaniko/tools", "must be an absolute path under /kaniko/")]
    [InlineData("/kaniko/../etc", "must be an absolute path under /kaniko/")]
    [InlineData("/kaniko", "must be an absolute path under /kaniko/")]
    [InlineData("/kaniko/.docker", "used by the runner itself")]
    [InlineData("/kaniko/output/x", "used by the runner itself")]
    [InlineData("/kaniko/executor", "used by the runner itself")]
    public void Mounts_must_be_under_kaniko_and_off_the_runners_paths(string containerPath, string expected) =>
        Assert.Contains(expected, Problem(Request with { Mounts = [new KanikoMount(_context.Path, containerPath)] }), StringComparison.Ordinal);

    [Fact]
    public void A_mount_of_a_missing_folder() =>
        Assert.Contains("does not exist", Problem(Request with { Mounts = [new KanikoMount(_context.Combine("nope"), "/kaniko/kanikobuild")] }), StringComparison.Ordinal);

    [Theory]
    [InlineData("--digest-file=/tmp/d")]
    [InlineData("--context=dir:///x")]
    [InlineData("--secret=id=a,env=A")]
    public void Extra_arguments_cannot_take_over_the_runners_flags(string raw) =>
        Assert.Contains("is set by the runner", Problem(Request with { ExtraArguments = [raw] }), StringComparison.Ordinal);

    [Fact]
    public void Every_problem_is_reported_in_one_message()
    {
        var message = Problem(Request with { Destinations = [], PushRetry = -2, ExtraArguments = ["--tar-path=/x"] });
        Assert.StartsWith("The kaniko build request is invalid: ", message, StringComparison.Ordinal);
        Assert.Contains("no destination", message, StringComparison.Ordinal);
        Assert.Contains("--push-retry", message, StringComparison.Ordinal);
        Assert.Contains("--tar-path", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_needs_a_host_and_a_password()
    {
        var message = Problem(Request with { RegistryCredentials = new Dictionary<string, RegistryCredential> { ["registry.example.com/team"] = new("u", "p4ssword"), ["r.example.com"] = new("u", "") } });
        Assert.Contains("must be a host", message, StringComparison.Ordinal);
        Assert.Contains("empty user name or password", message, StringComparison.Ordinal);
        Assert.DoesNotContain("p4ssword", message, StringComparison.Ordinal);
    }
}
