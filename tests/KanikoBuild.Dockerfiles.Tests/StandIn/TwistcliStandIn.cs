using KanikoBuild.Testing;

namespace KanikoBuild.Dockerfiles.Tests.StandIn;

/// <summary>Runs one of the two twistcli stand-ins on the host against a <see cref="ScanRoot"/>.</summary>
public static class TwistcliStandIn
{
    public const string Go = "go";
    public const string Script = "sh";

    public static async Task<Shell.Result> RunAsync(string variant, ScanRoot root, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["KANIKOBUILD_TWISTCLI_ROOT"] = root.Path };
        if (variant == Go)
            return await Shell.RunAsync(await GoBinary.BuildAsync("twistcli"), arguments, environment: env);
        // Only busybox's applets on PATH: the script must work with what a busybox image has.
        env["PATH"] = await BusyboxApplets.DirectoryAsync();
        return await Shell.RunAsync("/bin/busybox", ["sh", RepositoryRoot.Combine("standins", "twistcli", "twistcli.sh"), .. arguments], environment: env);
    }
}
