using KanikoBuild.Registry;

namespace KanikoBuild.Kaniko;

/// <summary>
/// One kaniko build, independent of how the executor runs. Host paths are paths on the machine running
/// KanikoBuild; the runner decides where they appear inside the executor. <see cref="KanikoArguments.From"/>
/// is the only place that turns this into executor flags.
/// </summary>
public sealed record KanikoBuildRequest
{
    // --- Dockerfile and context ---------------------------------------------------------------------

    /// <summary>The build context: a local directory, or a URL kaniko fetches itself (tar://, git://, s3://…).</summary>
    public required KanikoContext Context { get; init; }

    /// <summary>
    /// The Dockerfile: a path relative to a directory context (default <c>Dockerfile</c>), an absolute host path
    /// inside that directory, or an http(s) URL. For a remote context, a path inside the fetched context.
    /// </summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary><c>--context-sub-path</c>: a sub-directory of the (unpacked) context.</summary>
    public string? ContextSubPath { get; init; }

    // --- Where the image goes ------------------------------------------------------------------------

    /// <summary><c>--destination</c>, repeated. kaniko pushes to each in turn (not atomically).</summary>
    public IReadOnlyList<string> Destinations { get; init; } = [];

    /// <summary><c>--no-push</c>: build only. Cache layers are still pushed unless <see cref="NoPushCache"/>.</summary>
    public bool NoPush { get; init; }

    /// <summary><c>--tar-path</c>: host path where the docker-save tarball is delivered after a successful build.</summary>
    public string? TarPath { get; init; }

    /// <summary><c>--oci-layout-path</c>: host directory where the OCI image layout is delivered after a successful build.</summary>
    public string? OciLayoutPath { get; init; }

    /// <summary>
    /// Host path that also receives the digest. The runner always sets <c>--digest-file</c> to a file of its own
    /// and returns the digest in <see cref="KanikoBuildResult.Digest"/>; this only adds a copy.
    /// </summary>
    public string? DigestFile { get; init; }

    /// <summary>
    /// Host path that also receives <c>--image-name-with-digest-file</c> (one <c>repo@sha256:…</c> line per
    /// destination). Needs a destination. The runner reads it back into <see cref="KanikoBuildResult.ImageNamesWithDigest"/>
    /// whenever there are destinations.
    /// </summary>
    public string? ImageNameWithDigestFile { get; init; }

    // --- Layer cache ---------------------------------------------------------------------------------

    /// <summary><c>--cache</c>.</summary>
    public bool Cache { get; init; }

    /// <summary><c>--cache-repo</c>. Required with <see cref="Cache"/> and <see cref="NoPush"/>.</summary>
    public string? CacheRepo { get; init; }

    /// <summary><c>--cache-ttl</c> (kaniko's default: two weeks).</summary>
    public TimeSpan? CacheTtl { get; init; }

    /// <summary><c>--cache-run-layers</c> (kaniko's default: true).</summary>
    public bool? CacheRunLayers { get; init; }

    /// <summary><c>--cache-copy-layers</c> (kaniko's default: false).</summary>
    public bool? CacheCopyLayers { get; init; }

    /// <summary><c>--no-push-cache</c>.</summary>
    public bool NoPushCache { get; init; }

    /// <summary><c>--compressed-caching</c>; false trades speed for far less memory (see exit 137).</summary>
    public bool? CompressedCaching { get; init; }

    // --- Build inputs --------------------------------------------------------------------------------

    /// <summary>
    /// <c>--build-arg</c>: <c>KEY=VALUE</c>, or a bare <c>KEY</c> whose value kaniko takes from its own
    /// environment (the runner forwards this process's value of <c>KEY</c>; the Docker runner refuses a value
    /// registered as a secret, since <c>docker inspect</c> shows a container's environment).
    /// </summary>
    public IReadOnlyList<string> BuildArgs { get; init; } = [];

    /// <summary><c>--target</c>: the stage to build (several for the osscontainertools fork; the first is pushed).</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary><c>--skip-unused-stages</c> (default in the osscontainertools fork, opt-in in Google's).</summary>
    public bool SkipUnusedStages { get; init; }

    /// <summary><c>--label</c>, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    /// <summary>
    /// <c>--secret id=…,src=…</c> (osscontainertools fork): files the runner copies into a private folder that
    /// the executor sees under <c>/kaniko</c>, so a secret never appears in a flag value, an env var or a layer.
    /// </summary>
    public IReadOnlyList<KanikoSecret> Secrets { get; init; } = [];

    // --- Registries ----------------------------------------------------------------------------------

    /// <summary>
    /// The login for each registry host (<c>registry.example.com</c>, <c>127.0.0.1:5000</c>, <c>docker.io</c>), written
    /// into the executor's <c>config.json</c>; never into a flag, an env var or a log line. kaniko picks credentials per host.
    /// </summary>
    public IReadOnlyDictionary<string, RegistryCredential> RegistryCredentials { get; init; } = new Dictionary<string, RegistryCredential>();

    /// <summary><c>--registry-mirror</c>, repeated.</summary>
    public IReadOnlyList<string> RegistryMirrors { get; init; } = [];

    /// <summary><c>--insecure</c>: push over plain HTTP.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>--insecure-pull</c>: pull over plain HTTP.</summary>
    public bool InsecurePull { get; init; }

    /// <summary><c>--insecure-registry</c>, repeated: plain HTTP for push and pull of these registries.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary><c>--skip-tls-verify</c> (push side).</summary>
    public bool SkipTlsVerify { get; init; }

    /// <summary><c>--skip-tls-verify-pull</c>.</summary>
    public bool SkipTlsVerifyPull { get; init; }

    /// <summary><c>--skip-tls-verify-registry</c>, repeated.</summary>
    public IReadOnlyList<string> SkipTlsVerifyRegistries { get; init; } = [];

    /// <summary><c>--push-retry</c>.</summary>
    public int? PushRetry { get; init; }

    // --- Snapshots and behaviour ---------------------------------------------------------------------

    /// <summary><c>--reproducible</c>: strips timestamps (costs memory and time on big images).</summary>
    public bool Reproducible { get; init; }

    /// <summary><c>--snapshot-mode</c>.</summary>
    public KanikoSnapshotMode? SnapshotMode { get; init; }

    /// <summary><c>--use-new-run</c>.</summary>
    public bool UseNewRun { get; init; }

    /// <summary><c>--image-fs-extract-retry</c>.</summary>
    public int? ImageFsExtractRetry { get; init; }

    /// <summary><c>--custom-platform</c>, e.g. <c>linux/arm64</c> (selection only, not emulation).</summary>
    public string? CustomPlatform { get; init; }

    /// <summary><c>--verbosity</c>. Beware: <c>debug</c> logs unhashed cache keys, which contain build-arg values.</summary>
    public KanikoVerbosity? Verbosity { get; init; }

    /// <summary><c>--ignore-path</c>, repeated.</summary>
    public IReadOnlyList<string> IgnorePaths { get; init; } = [];

    /// <summary>Raw flags appended last, for what the model does not cover (e.g. <c>--annotation=k=v</c>).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    // --- Files brought into the executor -------------------------------------------------------------

    /// <summary>
    /// Host folders or files that appear under <c>/kaniko</c> in the executor (bind mounts for the Docker runner;
    /// copied in, and back out when writable, for the local runner). kaniko never snapshots <c>/kaniko</c>.
    /// </summary>
    public IReadOnlyList<KanikoMount> Mounts { get; init; } = [];
}
