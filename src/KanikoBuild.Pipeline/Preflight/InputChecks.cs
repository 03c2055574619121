using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KanikoBuild.Dockerfiles;
using KanikoBuild.Kaniko;
using KanikoBuild.Pipeline.Building;
using KanikoBuild.Prisma;
using KanikoBuild.Prisma.Twistcli;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using KanikoBuild.Signing;
using Serilog;

namespace KanikoBuild.Pipeline.Preflight;

/// <summary>
/// One check per concern: what the option records' types cannot say on their own (a required value, a file that
/// must exist and parse, one value against another), recorded with the parameter it is about instead of stopping at
/// the first problem. The values themselves were typed by the engine where they entered.
/// </summary>
internal static class InputChecks
{
    static ParameterName Name<TOptions>(string property) => ParameterName.Of<TOptions>(property);

    /// <summary>The value trimmed, or a problem saying what it is and how to give it.</summary>
    static string? Required(string? value, ParameterName name, string what, InputProblems problems)
    {
        if (!string.IsNullOrWhiteSpace(value))
            return value.Trim();
        problems.Add(name, Missing(name, what));
        return null;
    }

    static string Missing(ParameterName name, string what) => $"{name} is required: {what}; {name.Hint}.";

    public static async Task<CheckedBuild?> BuildAsync(PipelineRun run, bool needsLocalDockerfile, bool pushes, InputProblems problems, CancellationToken ct)
    {
        var input = run.Options.Input;
        var contextName = Name<BuildInputOptions>(nameof(BuildInputOptions.Context));
        var stageName = Name<BuildInputOptions>(nameof(BuildInputOptions.Stage));
        var cacheRepo = input.CacheRepo is null ? null : problems.Try(Name<BuildInputOptions>(nameof(BuildInputOptions.CacheRepo)), () => CacheRepository(input.CacheRepo));

        var context = problems.Try(contextName, () => BuildSource.Context(input, run.RootDirectory));
        if (context is null)
            return null;
        if (!context.IsDirectory)
        {
            if (needsLocalDockerfile)
                problems.Add(contextName, $"'{input.Context}' is a remote context; ScanBuild adds the scan stage to the Dockerfile, so it needs a local {contextName} directory.");
            return new CheckedBuild(context, null, null, null, cacheRepo);
        }
        if (!Directory.Exists(context.HostDirectory))
        {
            problems.Add(contextName, $"the build context '{context.HostDirectory}' does not exist; pass an existing directory.");
            return null;
        }

        var dockerfileName = Name<BuildInputOptions>(nameof(BuildInputOptions.Dockerfile));
        var dockerfilePath = problems.Try(dockerfileName, () => BuildSource.Dockerfile(input, context, run.RootDirectory)!);
        if (dockerfilePath is null)
            return null;
        var dockerfile = await problems.TryAsync(dockerfileName, () => DockerfileParser.LoadAsync(dockerfilePath, ct)).ConfigureAwait(false);
        if (dockerfile is null)
            return null;
        var stage = problems.Try(stageName, () => ScanInstrumenter.SelectStage(dockerfile, input.StageOrNull));
        if (stage is null)
            return null;
        if (pushes && stage.Name is null && !ReferenceEquals(stage, dockerfile.Stages[^1]))
            problems.Add(stageName, $"{stageName} {input.Stage} names an unnamed stage that is not the last; kaniko can only target a stage by name: add 'AS <name>' to its FROM.");
        return new CheckedBuild(context, dockerfilePath, dockerfile, input.StageOrNull is null ? null : stage, cacheRepo);
    }

    /// <summary>The keys: loaded (and registered as secrets) once, here; <paramref name="verifies"/> when a target needs a key to verify with.</summary>
    public static CheckedSigning Signing(PipelineRun run, bool signs, bool verifies, InputProblems problems)
    {
        var signing = run.Options.Signing;
        Secrets.Register(signing.KeyPassword);
        var keyName = Name<SigningOptions>(nameof(SigningOptions.KeyPath));
        var verifyName = Name<SigningOptions>(nameof(SigningOptions.VerifyKeyPath));
        if (!signs && !verifies)
            return CheckedSigning.None;
        var key = string.IsNullOrWhiteSpace(signing.KeyPath) ? null
            : problems.Try(keyName, () => SigningKey.Load(run.FromRoot(signing.KeyPath.Trim()), string.IsNullOrEmpty(signing.KeyPassword) ? null : signing.KeyPassword));
        var verifyKey = string.IsNullOrWhiteSpace(signing.VerifyKeyPath) ? null
            : problems.Try(verifyName, () => VerificationKey.Load(run.FromRoot(signing.VerifyKeyPath.Trim())));
        if (verifies && string.IsNullOrWhiteSpace(signing.VerifyKeyPath) && string.IsNullOrWhiteSpace(signing.KeyPath))
            problems.Add(verifyName, Missing(verifyName, "the public key (PEM, as 'openssl pkey -in signing.key -pubout' writes it) a signed verdict is verified with"));
        return new CheckedSigning(key, verifyKey);
    }

    public static ConsoleAddressing? ConsoleAddress(PipelineRun run, InputProblems problems)
    {
        var console = run.Options.Console;
        var urlName = Name<ConsoleOptions>(nameof(ConsoleOptions.Url));
        Uri? url = null;
        if (console.Url is null)
            problems.Add(urlName, Missing(urlName, "the Console address, or on SaaS the 'Path to Console' (Compute > Manage > System > Utilities)"));
        else
            url = problems.Try(urlName, () => Prisma.ConsoleAddress.Check(console.Url, Log.Logger));

        string? caCert = null;
        if (!string.IsNullOrWhiteSpace(console.CaCert))
        {
            caCert = run.FromRoot(console.CaCert.Trim());
            if (CaCertificateProblem(console.CaCert, caCert) is { } problem)
                problems.Add(Name<ConsoleOptions>(nameof(ConsoleOptions.CaCert)), problem);
        }
        return url is null ? null : new ConsoleAddressing(url, string.IsNullOrWhiteSpace(console.Project) ? null : console.Project.Trim(), caCert);
    }

    public static CheckedConsole? Console(PipelineRun run, ConsoleAddressing? address, bool usesTwistcli, InputProblems problems)
    {
        var console = run.Options.Console;
        var user = Required(console.User, Name<ConsoleOptions>(nameof(ConsoleOptions.User)), "a Console user (access key ID on SaaS) whose role may read registry results", problems);
        var password = Required(console.Password, Name<ConsoleOptions>(nameof(ConsoleOptions.Password)), "the Console password (secret key on SaaS)", problems);
        // Registered here too: a run the Sandbox or a test assembles has no engine binding that did it.
        Secrets.Register(password);
        string? twistcli = null;
        if (usesTwistcli && !string.IsNullOrWhiteSpace(console.TwistcliPath))
            twistcli = problems.Try(Name<ConsoleOptions>(nameof(ConsoleOptions.TwistcliPath)), () => TwistcliProvider.UseGiven(run.FromRoot(console.TwistcliPath.Trim())));
        return address is null || user is null || password is null ? null : new CheckedConsole(address, user, password, twistcli);
    }

    public static async Task<CheckedVerdict?> VerdictAsync(PipelineRun run, InputProblems problems, CancellationToken ct)
    {
        var verdict = run.Options.Verdict;
        var policy = await problems.TryAsync(Name<VerdictOptions>(nameof(VerdictOptions.Policy)), () => verdict.LoadPolicyAsync(run.RootDirectory, ct)).ConfigureAwait(false);
        return policy is null ? null : new CheckedVerdict(policy, verdict.Formats, ReportsDirectory(run), await Verdicts.VerdictClaimsMap.PolicyDigestAsync(policy, ct).ConfigureAwait(false));
    }

    public static string ReportsDirectory(PipelineRun run) => run.FromRoot(run.Options.Verdict.ReportsDir ?? ReportOptions.DefaultDirectory);

    public static CheckedDevImage? DevImage(PipelineRun run, InputProblems problems)
    {
        var registries = run.Options.Registries;
        var image = run.Options.Image;
        var registryName = Name<RegistryOptions>(nameof(RegistryOptions.Dev));
        var imageName = Name<ImageOptions>(nameof(ImageOptions.Name));
        if (registries.Dev is null)
            problems.Add(registryName, Missing(registryName, "the dev registry, host[:port][/prefix]"));
        var name = problems.Try(imageName, () => Image(image.Name, imageName));
        var tag = Tag(image.Tag, problems);
        if (registries.Dev is null || name is null || tag is null)
            return null;
        var repository = problems.Try(imageName, () => registries.Dev.Repository(name));
        return repository is null ? null : new CheckedDevImage(registries.Dev, name, repository, tag, image.Digest);
    }

    public static CheckedPromotion? Promotion(PipelineRun run, InputProblems problems)
    {
        var prod = run.Options.Registries.Prod;
        var registryName = Name<RegistryOptions>(nameof(RegistryOptions.Prod));
        if (prod is null)
            problems.Add(registryName, Missing(registryName, "the production registry, host[:port][/prefix]"));
        var tags = new List<string>();
        if (!string.IsNullOrWhiteSpace(run.Options.Image.Tag) && RepositoryName.IsValidTag(run.Options.Image.Tag.Trim()))
            tags.Add(run.Options.Image.Tag.Trim());
        foreach (var tag in run.Options.Image.PromoteTags.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            if (problems.Try(Name<ImageOptions>(nameof(ImageOptions.PromoteTags)), () => RepositoryName.ValidateTag(tag.Trim())) is { } valid && !tags.Contains(valid, StringComparer.Ordinal))
                tags.Add(valid);
        }
        return prod is null ? null : new CheckedPromotion(prod, tags, run.Options.Image.OverwriteTags);
    }

    public static IReadOnlyList<ImageReference> Destinations(PipelineRun run, InputProblems problems)
    {
        var destinations = run.Options.Input.Destinations;
        var name = Name<BuildInputOptions>(nameof(BuildInputOptions.Destinations));
        if (destinations.Length == 0)
            problems.Add(name, Missing(name, "where ReleaseBuild or PushScanned pushes the image (repeatable), e.g. registry.example.com/team/app:1.2.3"));
        return destinations;
    }

    public static TimeSpan ScanTimeout(PipelineRun run, InputProblems problems)
    {
        var timeout = run.Options.Wait.ScanTimeout;
        if (timeout <= TimeSpan.Zero)
            problems.Add(Name<ScanWaitOptions>(nameof(ScanWaitOptions.ScanTimeout)), $"{Name<ScanWaitOptions>(nameof(ScanWaitOptions.ScanTimeout))} '{timeout}' must be positive.");
        return timeout;
    }

    /// <summary>The registry logins, or none when a pair is incomplete (a problem then).</summary>
    public static RegistryLogins Logins(PipelineRun run, InputProblems problems)
    {
        var pairs = new InputProblems();
        RegistryLogins.Check(run.Options.Registries, pairs);
        foreach (var problem in pairs.All)
            problems.Add(problem);
        return pairs.Any ? RegistryLogins.None : new RegistryLogins(run.Options.Registries);
    }

    /// <summary>kaniko's layer cache is a repository: <c>host/path</c>, no tag or digest.</summary>
    static ImageReference CacheRepository(ImageReference reference)
    {
        if (reference.Tag is not null || reference.Digest is not null)
            throw new PipelineException($"{Name<BuildInputOptions>(nameof(BuildInputOptions.CacheRepo))} '{reference}' is a repository for kaniko's layer cache, without a tag or digest, e.g. registry.example.com/team/app/cache.");
        return reference;
    }

    static string Image(string? value, ParameterName name)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new PipelineException(Missing(name, "the image repository, e.g. team/app"));
        var image = value.Trim();
        if (image.Contains(':', StringComparison.Ordinal) || image.Contains('@', StringComparison.Ordinal))
            throw new PipelineException($"{name} '{image}' is a repository name (no registry, tag or digest), e.g. team/app; the tag goes in {Name<ImageOptions>(nameof(ImageOptions.Tag))}.");
        return RepositoryName.Validate(image.Trim('/'), name.Switch);
    }

    static string? Tag(string? value, InputProblems problems)
    {
        var name = Name<ImageOptions>(nameof(ImageOptions.Tag));
        var tag = Required(value, name, "the image tag", problems);
        return tag is null ? null : problems.Try(name, () => RepositoryName.ValidateTag(tag));
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
}
