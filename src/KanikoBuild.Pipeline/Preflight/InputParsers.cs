using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KanikoBuild.Dockerfiles;
using KanikoBuild.Kaniko;
using KanikoBuild.Prisma.Parameters;
using KanikoBuild.Prisma.Twistcli;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using Serilog;

namespace KanikoBuild.Pipeline.Preflight;

/// <summary>
/// One parser per concern: reads the raw <see cref="PipelineSettings"/> into the type each value is, and records
/// what is wrong (naming the switch) instead of stopping at the first problem.
/// </summary>
internal static class InputParsers
{
    public static async Task<BuildOptions?> BuildAsync(PipelineSettings settings, bool needsLocalDockerfile, bool pushes, PreflightProblems problems, CancellationToken ct)
    {
        var runner = ParseRunner(settings, problems);
        var cacheRepo = string.IsNullOrWhiteSpace(settings.CacheRepo) ? null : problems.Try("--cache-repo", () => CacheRepository(settings.CacheRepo));
        foreach (var insecure in settings.InsecureRegistries.Where(r => !string.IsNullOrWhiteSpace(r)))
            problems.Try("--insecure-registry", () => RegistrySpec.Parse(insecure, "--insecure-registry"));

        var context = problems.Try("--context", () => Context(settings));
        if (context is null)
            return null;
        if (!context.IsDirectory)
        {
            if (needsLocalDockerfile)
                problems.Add("--context", $"'{settings.Context}' is a remote context; ScanBuild adds the scan stage to the Dockerfile, so it needs a local --context directory.");
            return runner is null ? null : new BuildOptions(context, null, null, null, cacheRepo, runner.Value);
        }
        if (!Directory.Exists(context.HostDirectory))
        {
            problems.Add("--context", $"the build context '{context.HostDirectory}' does not exist; pass an existing directory.");
            return null;
        }

        var dockerfilePath = problems.Try("--dockerfile", () => Building.BuildInputs.ResolveDockerfile(settings, context)!);
        if (dockerfilePath is null)
            return null;
        var dockerfile = await problems.TryAsync("--dockerfile", () => DockerfileParser.LoadAsync(dockerfilePath, ct)).ConfigureAwait(false);
        if (dockerfile is null)
            return null;
        var stage = problems.Try("--stage", () => ScanInstrumenter.SelectStage(dockerfile, settings.Stage));
        if (stage is null)
            return null;
        if (pushes && stage.Name is null && !ReferenceEquals(stage, dockerfile.Stages[^1]))
            problems.Add("--stage", $"--stage {settings.Stage} names an unnamed stage that is not the last; kaniko can only target a stage by name: add 'AS <name>' to its FROM.");
        return runner is null ? null : new BuildOptions(context, dockerfilePath, dockerfile, string.IsNullOrWhiteSpace(settings.Stage) ? null : stage, cacheRepo, runner.Value);
    }

    public static ConsoleOptions? Console(PipelineSettings settings, PreflightProblems problems)
    {
        var url = problems.Try("--console-url", () => ScanParameters.ParseConsoleUrl(settings.ConsoleUrl, Log.Logger));
        var user = problems.Try("--console-user", () => ScanParameters.Require(settings.ConsoleUser, "--console-user", "a Console user (access key ID on SaaS) whose role may read registry results"));
        var password = problems.Try("--console-password", () => ScanParameters.Require(settings.ConsolePassword, "--console-password", "the Console password (secret key on SaaS)"));
        Secrets.Register(password);
        string? caCert = null;
        if (!string.IsNullOrWhiteSpace(settings.ConsoleCaCert))
        {
            caCert = Path.GetFullPath(settings.ConsoleCaCert, settings.RootDirectory);
            if (CaCertificateProblem(settings.ConsoleCaCert, caCert) is { } problem)
                problems.Add("--console-ca-cert", problem);
        }
        return url is null || user is null || password is null
            ? null
            : new ConsoleOptions(url, user, password, string.IsNullOrWhiteSpace(settings.ConsoleProject) ? null : settings.ConsoleProject.Trim(), caCert);
    }

    public static async Task<VerdictOptions?> VerdictAsync(PipelineSettings settings, PreflightProblems problems, CancellationToken ct)
    {
        var policy = await problems.TryAsync("--policy", () => ScanPolicy.LoadAsync(settings.Policy, null, settings.RootDirectory, ct)).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(settings.FailOn))
        {
            var limits = problems.Try("--fail-on", () => FailOnParser.Apply(settings.FailOn, (policy ?? ScanPolicy.Default).FailOn));
            if (policy is not null && limits is not null)
                policy = policy with { FailOn = limits, FailOnOverride = settings.FailOn };
        }
        var formats = problems.Try("--report-formats", () => ReportOptions.ParseFormats(settings.ReportFormats));
        return policy is null || formats is null ? null : new VerdictOptions(policy, formats, Verdicts.VerdictGate.ReportsDirectory(settings));
    }

    public static DevImageOptions? DevImage(PipelineSettings settings, PreflightProblems problems)
    {
        var registry = problems.Try("--dev-registry", () => RegistrySpec.Parse(
            ScanParameters.Require(settings.DevRegistry, "--dev-registry", "the dev registry, host[:port][/prefix]"), "--dev-registry"));
        var image = problems.Try("--image", () => Image(settings.Image));
        var tag = problems.Try("--tag", () => RepositoryName.ValidateTag(ScanParameters.Require(settings.Tag, "--tag", "the image tag")));
        var digest = string.IsNullOrWhiteSpace(settings.ImageDigest) ? null : problems.Try("--image-digest", () => Digest.Parse(settings.ImageDigest, "--image-digest"));
        if (registry is null || image is null || tag is null)
            return null;
        var repository = problems.Try("--image", () => registry.Repository(image));
        return repository is null ? null : new DevImageOptions(registry, image, repository, tag, digest);
    }

    public static PromotionOptions? Promotion(PipelineSettings settings, PreflightProblems problems)
    {
        var registry = problems.Try("--prod-registry", () => RegistrySpec.Parse(
            ScanParameters.Require(settings.ProdRegistry, "--prod-registry", "the production registry, host[:port][/prefix]"), "--prod-registry"));
        var tags = new List<string>();
        foreach (var tag in settings.PromoteTags.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            if (problems.Try("--promote-tags", () => RepositoryName.ValidateTag(tag.Trim())) is { } valid)
                tags.Add(valid);
        }
        Pair(settings.DevRegistryUser, settings.DevRegistryPassword, "--dev-registry", problems);
        Pair(settings.ProdRegistryUser, settings.ProdRegistryPassword, "--prod-registry", problems);
        return registry is null ? null : new PromotionOptions(registry, tags);
    }

    public static IReadOnlyList<ImageReference> Destinations(PipelineSettings settings, PreflightProblems problems)
    {
        if (settings.Destinations.Count == 0)
            problems.Add("--destination", "--destination is required: where ReleaseBuild pushes the image (repeatable), e.g. registry.example.com/team/app:1.2.3.");
        var parsed = new List<ImageReference>();
        foreach (var destination in settings.Destinations)
        {
            if (problems.Try("--destination", () => ImageReference.Parse(destination)) is { } reference)
                parsed.Add(reference);
        }
        return parsed;
    }

    public static TimeSpan? ScanTimeout(PipelineSettings settings, PreflightProblems problems) =>
        problems.TryValue("--scan-timeout", () => ScanParameters.ParseScanTimeout(settings.ScanTimeout));

    public static void Twistcli(PipelineSettings settings, PreflightProblems problems)
    {
        if (!string.IsNullOrWhiteSpace(settings.TwistcliPath))
            problems.Try("--twistcli-path", () => TwistcliProvider.UseGiven(settings.TwistcliPath));
    }

    static KanikoRunnerKind? ParseRunner(PipelineSettings settings, PreflightProblems problems) =>
        problems.TryValue("--kaniko-runner", () => KanikoRunnerFactory.ParseKind(settings.KanikoRunner));

    static KanikoContext Context(PipelineSettings settings) => KanikoContext.Parse(string.IsNullOrWhiteSpace(settings.Context)
        ? settings.RootDirectory
        : settings.Context.Contains("://", StringComparison.Ordinal) ? settings.Context : Path.GetFullPath(settings.Context, settings.RootDirectory));

    /// <summary>kaniko's layer cache is a repository: <c>host/path</c>, no tag or digest.</summary>
    static ImageReference CacheRepository(string value)
    {
        var reference = ImageReference.Parse(value);
        if (reference.Tag is not null || reference.Digest is not null)
            throw new PipelineException($"--cache-repo '{value}' is a repository for kaniko's layer cache, without a tag or digest, e.g. registry.example.com/team/app/cache.");
        return reference;
    }

    static string Image(string? value)
    {
        var image = ScanParameters.Require(value, "--image", "the image repository, e.g. team/app");
        if (image.Contains(':', StringComparison.Ordinal) || image.Contains('@', StringComparison.Ordinal))
            throw new PipelineException($"--image '{image}' is a repository name (no registry, tag or digest), e.g. team/app; the tag goes in --tag.");
        return RepositoryName.Validate(image.Trim('/'), "--image");
    }

    static string? CaCertificateProblem(string given, string path)
    {
        if (!File.Exists(path))
            return $"the Console CA certificate '{given}' does not exist (looked at {path}).";
        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(path);
            return authorities.Count == 0 ? $"the Console CA certificate '{given}' holds no PEM certificate." : null;
        }
        catch (CryptographicException e)
        {
            return $"the Console CA certificate '{given}' is not a PEM certificate ({e.Message}).";
        }
    }

    static void Pair(string? user, string? password, string registry, PreflightProblems problems)
    {
        if (string.IsNullOrEmpty(user) != string.IsNullOrEmpty(password))
            problems.Add($"{registry}-user", $"{registry}-user and {registry}-password go together; give both, or neither to use the Docker config's login.");
    }
}
