using System.Diagnostics;

namespace KanikoBuild.LocalPeers;

/// <summary>Waits until a server the Sandbox started answers HTTP at all (any status), or fails when it exits first.</summary>
internal static class Readiness
{
    public static async Task WaitAsync(Uri probe, Process process, string what, TimeSpan limit, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new PipelineException($"{what} exited with code {process.ExitCode}.");
            try
            {
                using var response = await http.GetAsync(probe, ct).ConfigureAwait(false);
                return; // Any answer (a 401 when auth is configured included) means it is up.
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
        throw new PipelineException($"{what} did not answer on {probe.GetLeftPart(UriPartial.Authority)} within {limit.TotalSeconds:0} s.");
    }
}
