using System.Globalization;

namespace KanikoBuild.Kaniko;

/// <summary>The one place where a <see cref="KanikoBuildRequest"/> becomes executor flags.</summary>
public static class KanikoArguments
{
    /// <summary>
    /// The executor's arguments, as a list (never joined into one string). Every flag is written as
    /// <c>--name=value</c>, so a value that starts with a dash cannot be read as a flag. No credential or secret
    /// value ever appears here: credentials go into <c>config.json</c>, secrets into files.
    /// </summary>
    public static IReadOnlyList<string> From(KanikoBuildRequest request, KanikoPaths paths)
    {
        KanikoRequestValidator.Validate(request);
        var args = new List<string>();
        void Flag(string name, string value) => args.Add($"--{name}={value}");
        void Switch(string name, bool on) { if (on) args.Add($"--{name}"); }
        void Bool(string name, bool? value) { if (value is { } v) Flag(name, v ? "true" : "false"); }
        void Int(string name, int? value) { if (value is { } v) Flag(name, v.ToString(CultureInfo.InvariantCulture)); }
        void Each(string name, IEnumerable<string> values) { foreach (var v in values) Flag(name, v); }

        Flag("dockerfile", Dockerfile(request, paths));
        Flag("context", request.Context.IsDirectory ? "dir://" + paths.ContextDirectory : request.Context.Url!);
        if (request.ContextSubPath is { } subPath)
            Flag("context-sub-path", subPath);

        Each("destination", request.Destinations);
        Switch("no-push", request.NoPush);
        Flag("digest-file", paths.DigestFile);
        if (request.Destinations.Count > 0)
            Flag("image-name-with-digest-file", paths.ImageNameWithDigestFile);
        if (request.TarPath is not null)
            Flag("tar-path", paths.TarPath);
        if (request.OciLayoutPath is not null)
            Flag("oci-layout-path", paths.OciLayoutPath);

        if (request.Cache)
        {
            Flag("cache", "true");
            if (request.CacheRepo is { } repo)
                Flag("cache-repo", repo);
            if (request.CacheTtl is { } ttl)
                Flag("cache-ttl", GoDuration(ttl));
            Bool("cache-run-layers", request.CacheRunLayers);
            Bool("cache-copy-layers", request.CacheCopyLayers);
        }
        Switch("no-push-cache", request.NoPushCache);
        Bool("compressed-caching", request.CompressedCaching);

        Each("build-arg", request.BuildArgs);
        Each("target", request.Targets);
        Switch("skip-unused-stages", request.SkipUnusedStages);
        Each("label", request.Labels.Select(l => $"{l.Key}={l.Value}"));
        Each("secret", request.Secrets.Select(s => $"id={s.Id},src={paths.SecretFile(s.Id)}"));

        Each("registry-mirror", request.RegistryMirrors);
        Switch("insecure", request.Insecure);
        Switch("insecure-pull", request.InsecurePull);
        Each("insecure-registry", request.InsecureRegistries);
        Switch("skip-tls-verify", request.SkipTlsVerify);
        Switch("skip-tls-verify-pull", request.SkipTlsVerifyPull);
        Each("skip-tls-verify-registry", request.SkipTlsVerifyRegistries);
        Int("push-retry", request.PushRetry);

        Switch("reproducible", request.Reproducible);
        if (request.SnapshotMode is { } mode)
            Flag("snapshot-mode", mode.ToString().ToLowerInvariant());
        Switch("use-new-run", request.UseNewRun);
        Int("image-fs-extract-retry", request.ImageFsExtractRetry);
        if (request.CustomPlatform is { } platform)
            Flag("custom-platform", platform);
        if (request.Verbosity is { } verbosity)
            Flag("verbosity", verbosity.ToString().ToLowerInvariant());
        Each("ignore-path", request.IgnorePaths);

        args.AddRange(request.ExtraArguments);
        RefuseSecretValues(args);
        return args;
    }

    // The executor's command line is visible to 'docker inspect' and 'ps'; a registered secret must not be on it.
    static void RefuseSecretValues(IEnumerable<string> args)
    {
        foreach (var arg in args)
        {
            var masked = Secrets.Mask(arg);
            if (!string.Equals(masked, arg, StringComparison.Ordinal))
                throw new PipelineException($"The kaniko argument '{masked}' holds a secret, and the executor's command line is visible to 'docker inspect' and 'ps'; hand the value over as a build secret (--secret, read with RUN --mount=type=secret) instead.");
        }
    }

    static string Dockerfile(KanikoBuildRequest request, KanikoPaths paths)
    {
        var dockerfile = request.Dockerfile;
        if (IsUrl(dockerfile) || !request.Context.IsDirectory)
            return dockerfile;
        if (Path.IsPathRooted(dockerfile) && MountHolding(request, dockerfile) is { } mount)
        {
            // A generated Dockerfile (the scan Dockerfile) lives in a mounted folder, not in the user's context.
            var inMount = Path.GetRelativePath(mount.HostPath, dockerfile).Replace('\\', '/');
            var container = KanikoRequestValidator.NormalizeContainerPath(mount.ContainerPath)!;
            var underKaniko = container[KanikoRequestValidator.KanikoDirectory.Length..].TrimStart('/');
            return KanikoPaths.Join(KanikoPaths.Join(paths.KanikoDirectory, underKaniko), inMount);
        }
        var relative = Path.IsPathRooted(dockerfile) ? Path.GetRelativePath(request.Context.HostDirectory!, dockerfile) : dockerfile;
        return KanikoPaths.Join(paths.ContextDirectory, relative.Replace('\\', '/'));
    }

    /// <summary>The mount whose host folder holds <paramref name="hostPath"/>, if any.</summary>
    internal static KanikoMount? MountHolding(KanikoBuildRequest request, string hostPath) =>
        request.Mounts.FirstOrDefault(m => Path.GetRelativePath(m.HostPath, hostPath) is var relative
            && relative != "." && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));

    internal static bool IsUrl(string value) =>
        value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    // kaniko parses --cache-ttl with Go's time.ParseDuration, which has no unit above hours.
    internal static string GoDuration(TimeSpan value)
    {
        var hours = (long)value.TotalHours;
        var rest = value - TimeSpan.FromHours(hours);
        var text = hours > 0 ? $"{hours}h" : string.Empty;
        if (rest.Minutes > 0)
            text += $"{rest.Minutes}m";
        if (rest.Seconds > 0)
            text += $"{rest.Seconds}s";
        return text.Length == 0 ? "0s" : text;
    }
}
