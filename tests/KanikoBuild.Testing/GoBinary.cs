using System.Security.Cryptography;
using System.Text;

namespace KanikoBuild.Testing;

/// <summary>
/// Builds a stand-in from Go sources in the repository (<c>standins/&lt;name&gt;</c>) into a static binary
/// (<c>CGO_ENABLED=0</c>), so it runs in images with no libc and no shell. Cached by a hash of the sources.
/// </summary>
public static class GoBinary
{
    static readonly SemaphoreSlim s_gate = new(1, 1);

    public static async Task<string> BuildAsync(string standIn, CancellationToken ct = default)
    {
        var go = Peer.RequireExecutable("go", "golang-go");
        var source = RepositoryRoot.Combine("standins", standIn);
        var files = Directory.GetFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        using var sha = SHA256.Create();
        foreach (var file in files)
        {
            var name = Encoding.UTF8.GetBytes(System.IO.Path.GetRelativePath(source, file));
            sha.TransformBlock(name, 0, name.Length, null, 0);
            var content = await File.ReadAllBytesAsync(file, ct);
            sha.TransformBlock(content, 0, content.Length, null, 0);
        }
        sha.TransformFinalBlock([], 0, 0);
        var hash = Convert.ToHexString(sha.Hash!)[..16].ToLowerInvariant();
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kanikobuild-standins", $"{standIn}-{hash}");

        await s_gate.WaitAsync(ct);
        try
        {
            if (File.Exists(output))
                return output;
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(output)!);
            var partial = output + ".partial";
            await Shell.RunCheckedAsync(go, ["build", "-trimpath", "-ldflags=-s -w", "-o", partial, "."], source,
                new Dictionary<string, string>
                {
                    ["CGO_ENABLED"] = "0",
                    ["GOFLAGS"] = "-mod=mod",
                    ["GO111MODULE"] = "on",
                    ["GOPROXY"] = "off",
                    ["GOCACHE"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kanikobuild-gocache"),
                    ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root",
                }, ct: ct);
            File.Move(partial, output, overwrite: true);
            return output;
        }
        finally
        {
            s_gate.Release();
        }
    }
}
