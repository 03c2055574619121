using KanikoBuild.Dockerfiles;
using KanikoBuild.Kaniko;
using KanikoBuild.Prisma;
using KanikoBuild.Registry;
using KanikoBuild.Scanning;
using KanikoBuild.Signing;

namespace KanikoBuild.Pipeline.Preflight;

// What the preflight made of the option records, one record per concern: files found and loaded, values checked
// against each other. The steps read these; the option records stay as the user gave them.

/// <summary>What a kaniko build of the pipeline builds: the context, the Dockerfile (found and parsed), the stage and the cache.</summary>
public sealed record CheckedBuild(KanikoContext Context, string? DockerfilePath, Dockerfile? Dockerfile, Stage? Stage, ImageReference? CacheRepo)
{
    /// <summary>kaniko's <c>--target</c> for a push build: none for the last stage, else the stage's name.</summary>
    public IReadOnlyList<string> PushTargets => Stage is null || Dockerfile is null || ReferenceEquals(Stage, Dockerfile.Stages[^1]) ? [] : [Stage.Name!];
}

/// <summary>The Console as the scan step inside the build addresses it: its URL, the project, and the CA it is checked against.</summary>
public sealed record ConsoleAddressing(Uri Url, string? Project, string? CaCertificatePath);

/// <summary>The Console, the account used on it, and the twistcli given instead of the Console's own.</summary>
public sealed record CheckedConsole(ConsoleAddressing Address, string User, string Password, string? TwistcliPath)
{
    public ComputeClientOptions ToClientOptions() => new()
    {
        ConsoleUrl = Address.Url, Username = User, Password = Password, Project = Address.Project, CaCertificatePath = Address.CaCertificatePath,
    };

    // The password must never reach a log line through a record's generated ToString.
    public override string ToString() => $"CheckedConsole {{ Url = {Address.Url}, User = {User} }}";
}

/// <summary>The verdict: the policy (loaded once, here) and where which reports go.</summary>
/// <param name="PolicyDigest">The policy's digest, as a signed verdict names it (<c>Verdicts.VerdictClaimsMap.PolicyDigestAsync</c>).</param>
public sealed record CheckedVerdict(ScanPolicy Policy, IReadOnlySet<ReportFormat> Formats, string ReportsDirectory, string PolicyDigest);

/// <summary>
/// The keys, loaded once: the private key that signs shipped digests (none: nothing is signed), and the public key a
/// signed verdict is checked with (<c>--verify-key</c>, else the signing key's public half).
/// </summary>
public sealed record CheckedSigning(SigningKey? Key, VerificationKey? GivenVerifyKey)
{
    public VerificationKey? VerifyKey => GivenVerifyKey ?? Key?.PublicKey;

    public static CheckedSigning None { get; } = new(null, null);

    public override string ToString() => $"CheckedSigning {{ Key = {Key?.Source}, VerifyKey = {VerifyKey?.Source} }}";
}

/// <summary>The image in the dev registry: <c>--dev-registry</c>, <c>--image</c>, <c>--tag</c>, and <c>--image-digest</c> when given.</summary>
public sealed record CheckedDevImage(RegistrySpec Registry, string Image, string Repository, string Tag, Digest? Digest)
{
    /// <summary><c>host/prefix/image:tag</c>, what PushDev pushes to.</summary>
    public ImageReference Reference => new(Registry.Host, Repository, Tag);
}

/// <summary>Where Promote copies to, and the tags it writes there (<c>--tag</c> first, then <c>--promote-tags</c>).</summary>
public sealed record CheckedPromotion(RegistrySpec Registry, IReadOnlyList<string> Tags, bool OverwriteTags);
