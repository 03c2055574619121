using KanikoBuild.Prisma.Waiting;
using Serilog;

namespace KanikoBuild.Prisma;

/// <summary>
/// AwaitScan's wait: the scan triggered, the Console's result for exactly this image returned. The values come
/// checked (the pipeline's preflight parses and checks them before any build); judging the result is the verdict's
/// job (<c>KanikoBuild.Scanning</c>), shared with alternative A.
/// </summary>
public static class AwaitScanCommand
{
    public static async Task<ScanWaitResult> WaitAsync(ScanWaitRequest request, ComputeClientOptions options, CancellationToken ct,
        TimeProvider? time = null, ILogger? log = null, HttpMessageHandler? transport = null)
    {
        request.Validate();
        using var client = new ComputeClient(options, time, log ?? Log.Logger, transport);
        return await new ScanWaiter(client, time, log ?? Log.Logger).WaitAsync(request, ct).ConfigureAwait(false);
    }
}
