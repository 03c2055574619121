using System.Text.Json;
using KanikoBuild.Prisma.Results;
using Refit;

namespace KanikoBuild.Prisma.Api;

/// <summary>
/// The Compute endpoints KanikoBuild calls (prisma.md §1.8, §2), relative to <c>{console}/api/v{version}</c>.
/// Bodies are read into their models by Refit with <see cref="ComputeApiSettings"/> (the Console's JSON is read
/// leniently); an answer that is not a success becomes a <see cref="ComputeApiException"/> in Refit's exception
/// factory (<see cref="ConsoleAnswers"/>), a request that got no answer one in its transport factory
/// (<see cref="ConsoleTransportFailures"/>). A list element that is not an object reads as null.
/// </summary>
public interface IComputeApi
{
    [Post("/authenticate")]
    Task<AuthenticationResponse> AuthenticateAsync([Body] AuthenticationRequest request, CancellationToken ct);

    /// <summary>Registry scan results, paged (at most 50 per page); <c>Total-Count</c> (when sent) says how many match.</summary>
    [Get("/registry")]
    Task<ApiResponse<List<RegistryScanEntry?>>> GetRegistryAsync(
        [Query] string? name,
        [Query] string? registry,
        [Query] string? repository,
        [AliasAs("imageID")] [Query] string? imageId,
        [Query] int offset,
        [Query] int limit,
        CancellationToken ct);

    /// <summary>
    /// The answer's body is not used; it is a <c>Task&lt;string&gt;</c> rather than a <c>Task</c> because Refit (16.4)
    /// runs the transport-exception factory only for methods with a result: a plain <c>Task</c> would let a refused
    /// connection out as a raw HttpRequestException.
    /// </summary>
    [Post("/registry/scan")]
    Task<string> ScanRegistryAsync([Body] RegistryScanRequest request, CancellationToken ct);

    /// <summary>On-demand scan progress; <c>[]</c> means no scan is running for these filters.</summary>
    [Get("/registry/progress")]
    Task<List<ScanProgress?>> GetRegistryProgressAsync(
        [Query] bool onDemand,
        [Query] string? registry,
        [Query] string? repo,
        [Query] string? tag,
        [Query] string? digest,
        CancellationToken ct);

    /// <summary>CI (twistcli and Jenkins) scan results (<c>shared.CLIScanResult</c>), raw.</summary>
    [Get("/scans")]
    Task<List<JsonElement>> GetScansAsync(
        [Query] string? jobName,
        [AliasAs("imageID")] [Query] string? imageId,
        [Query] string? type,
        [Query] int offset,
        [Query] int limit,
        [Query] bool reverse,
        CancellationToken ct);

    /// <summary>The version as the Console writes it: a JSON string (<c>"34.04.145"</c>), or bare on some builds.</summary>
    [Get("/version")]
    Task<string> GetVersionAsync(CancellationToken ct);

    [Get("/util/twistcli")]
    Task<Stream> DownloadTwistcliLinuxAsync(CancellationToken ct);

    [Get("/util/arm64/twistcli")]
    Task<Stream> DownloadTwistcliLinuxArm64Async(CancellationToken ct);

    [Get("/util/osx/twistcli")]
    Task<Stream> DownloadTwistcliMacAsync(CancellationToken ct);

    [Get("/util/osx/arm64/twistcli")]
    Task<Stream> DownloadTwistcliMacArm64Async(CancellationToken ct);

    [Get("/util/windows/twistcli.exe")]
    Task<Stream> DownloadTwistcliWindowsAsync(CancellationToken ct);
}
