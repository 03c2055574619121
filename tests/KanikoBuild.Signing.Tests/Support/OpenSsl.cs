using KanikoBuild.Testing;

namespace KanikoBuild.Signing.Tests;

/// <summary>The openssl CLI: makes the keys the tests sign with, and checks signatures independently of .NET.</summary>
public static class OpenSsl
{
    public static string Executable => Peer.RequireExecutable("openssl", "openssl");

    public static Task<string> RunAsync(params string[] arguments) => Shell.RunCheckedAsync(Executable, arguments);

    public static Task<string> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Shell.RunCheckedAsync(Executable, arguments, environment: environment);

    /// <summary><c>openssl dgst -sha256 -verify pub -signature sig data</c>: true on "Verified OK".</summary>
    public static async Task<(bool Verified, string Output)> VerifyAsync(string publicKeyPath, byte[] derSignature, byte[] data, TempDirectory directory)
    {
        var name = Guid.NewGuid().ToString("N");
        var signature = directory.Combine(name + ".sig.der");
        var payload = directory.Combine(name + ".data");
        await File.WriteAllBytesAsync(signature, derSignature);
        await File.WriteAllBytesAsync(payload, data);
        var result = await Shell.RunAsync(Executable, ["dgst", "-sha256", "-verify", publicKeyPath, "-signature", signature, payload]);
        return (result.ExitCode == 0 && result.StandardOutput.Contains("Verified OK", StringComparison.Ordinal), result.StandardOutput + result.StandardError);
    }
}
