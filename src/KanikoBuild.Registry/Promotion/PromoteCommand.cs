namespace KanikoBuild.Registry;

/// <summary>The Promote target's parameters, as the build passes them.</summary>
public sealed record PromoteParameters
{
    public string? DevRegistry { get; init; }
    public string? ProdRegistry { get; init; }
    public string? Image { get; init; }
    public string? Tag { get; init; }
    public IReadOnlyList<string> PromoteTags { get; init; } = [];
    public string? ImageDigest { get; init; }
    /// <summary>Where PushDev records the digest it pushed (plain text <c>sha256:…</c>); read when <see cref="ImageDigest"/> is not given.</summary>
    public string? DigestFile { get; init; }
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    public string? DevRegistryUser { get; init; }
    public string? DevRegistryPassword { get; init; }
    public string? ProdRegistryUser { get; init; }
    public string? ProdRegistryPassword { get; init; }
    public bool OverwriteTags { get; init; }
    public int Parallelism { get; init; } = 6;
    public string? DockerConfigPath { get; init; }
}

/// <summary>Turns the target's parameters into a promotion and runs it: the one call the build makes.</summary>
public static class PromoteCommand
{
    public static async Task<PromotionResult> RunAsync(PromoteParameters parameters, Serilog.ILogger? logger = null, CancellationToken ct = default)
    {
        logger ??= Serilog.Log.Logger;
        var dev = RegistrySpec.Parse(parameters.DevRegistry ?? throw new PipelineException("Promote needs --dev-registry (host[:port][/path-prefix] of the registry the image was pushed to)."), "--dev-registry");
        var prod = RegistrySpec.Parse(parameters.ProdRegistry ?? throw new PipelineException("Promote needs --prod-registry (host[:port][/path-prefix] of the production registry)."), "--prod-registry");
        if (string.IsNullOrWhiteSpace(parameters.Image))
            throw new PipelineException("Promote needs --image (the repository without registry and tag, e.g. team/app).");
        var digest = ResolveDigest(parameters);
        var tags = new[] { parameters.Tag }.Concat(parameters.PromoteTags).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim()).ToList();
        foreach (var tag in tags)
            RepositoryName.ValidateTag(tag);
        var request = new PromotionRequest(dev.Repository(parameters.Image), digest, prod.Repository(parameters.Image))
        {
            Tags = tags,
            OverwriteTags = parameters.OverwriteTags,
            Parallelism = parameters.Parallelism,
        };
        var insecure = parameters.InsecureRegistries.Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
        using var source = new RegistryClient(dev, Options(Credential(parameters.DevRegistryUser, parameters.DevRegistryPassword, "--dev-registry"), insecure, parameters.DockerConfigPath, logger));
        using var destination = new RegistryClient(prod, Options(Credential(parameters.ProdRegistryUser, parameters.ProdRegistryPassword, "--prod-registry"), insecure, parameters.DockerConfigPath, logger));
        return await new Promoter(source, destination, logger).PromoteAsync(request, null, ct).ConfigureAwait(false);
    }

    static RegistryClientOptions Options(RegistryCredential? credential, IReadOnlyCollection<string> insecure, string? dockerConfig, Serilog.ILogger logger) => new()
    {
        Credential = credential,
        InsecureRegistries = insecure,
        DockerConfigPath = dockerConfig,
        Logger = logger,
    };

    internal static string ResolveDigest(PromoteParameters parameters)
    {
        if (!string.IsNullOrWhiteSpace(parameters.ImageDigest))
            return Digest.Parse(parameters.ImageDigest, "--image-digest");
        if (parameters.DigestFile is { } file && File.Exists(file))
            return Digest.Parse(File.ReadAllText(file), $"digest recorded by PushDev in {file}");
        throw new PipelineException($"No image digest to promote: pass --image-digest sha256:… (an image pushed and scanned earlier), or run PushDev first, which records it in {parameters.DigestFile ?? ".nuke/temp/pushdev/digest"}.");
    }

    static RegistryCredential? Credential(string? user, string? password, string parameter)
    {
        var hasUser = !string.IsNullOrEmpty(user);
        var hasPassword = !string.IsNullOrEmpty(password);
        if (hasUser != hasPassword)
            throw new PipelineException($"{parameter}-user and {parameter}-password go together; give both, or neither to use the Docker config's login.");
        return hasUser ? new RegistryCredential(user, password) : null;
    }
}
