using Refit;

namespace KanikoBuild.Prisma.Api;

/// <summary>
/// The Compute endpoints KanikoBuild calls (prisma.md §1.8, §2), relative to <c>{console}/api/v{version}</c>.
/// Every method returns the raw response: statuses are mapped to clear errors, and bodies parsed leniently,
/// by <see cref="ComputeClient"/>.
/// </summary>
public interface IComputeApi
{
    [Post("/authenticate")]
    Task<HttpResponseMessage> AuthenticateAsync([Body] AuthenticationRequest request, CancellationToken ct);

    /// <summary>Registry scan results, paged (at most 50 per page).</summary>
    [Get("/registry")]
    Task<HttpResponseMessage> GetRegistryAsync(
        [Query] string? name,
        [Query] string? registry,
        [Query] string? repository,
        [AliasAs("imageID")] [Query] string? imageId,
        [Query] int offset,
        [Query] int limit,
        CancellationToken ct);

    [Post("/registry/scan")]
    Task<HttpResponseMessage> ScanRegistryAsync([Body] RegistryScanRequest request, CancellationToken ct);

    /// <summary>On-demand scan progress; <c>[]</c> means no scan is running for these filters.</summary>
    [Get("/registry/progress")]
    Task<HttpResponseMessage> GetRegistryProgressAsync(
        [Query] bool onDemand,
        [Query] string? registry,
        [Query] string? repo,
        [Query] string? tag,
        [Query] string? digest,
        CancellationToken ct);

    /// <summary>CI (twistcli and Jenkins) scan results.</summary>
    [Get("/scans")]
    Task<HttpResponseMessage> GetScansAsync(
        [Query] string? jobName,
        [AliasAs("imageID")] [Query] string? imageId,
        [Query] string? type,
        [Query] int offset,
        [Query] int limit,
        [Query] bool reverse,
        CancellationToken ct);

    [Get("/version")]
    Task<HttpResponseMessage> GetVersionAsync(CancellationToken ct);

    [Get("/util/twistcli")]
    Task<HttpResponseMessage> DownloadTwistcliLinuxAsync(CancellationToken ct);

    [Get("/util/arm64/twistcli")]
    Task<HttpResponseMessage> DownloadTwistcliLinuxArm64Async(CancellationToken ct);

    [Get("/util/osx/twistcli")]
    Task<HttpResponseMessage> DownloadTwistcliMacAsync(CancellationToken ct);

    [Get("/util/osx/arm64/twistcli")]
    Task<HttpResponseMessage> DownloadTwistcliMacArm64Async(CancellationToken ct);

    [Get("/util/windows/twistcli.exe")]
    Task<HttpResponseMessage> DownloadTwistcliWindowsAsync(CancellationToken ct);
}
