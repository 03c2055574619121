using System.Text;
using System.Text.Json;
using KanikoBuild.Registry;
using KanikoBuild.Testing;

namespace KanikoBuild.Kaniko.Tests.Runners;

/// <summary>
/// The host side of one runner test: a build context whose marker files steer the recording stand-in
/// (<c>exit-code</c>, <c>kaniko-lines</c>, <c>await-ack</c>, <c>hang</c>), a writable recording folder mounted at
/// <c>/kaniko/recording</c>, and a scan tools folder (as the pipeline prepares it) mounted at <c>/kaniko/kanikobuild</c>.
/// </summary>
public sealed class Scenario : IDisposable
{
    public const string Password = "ScenarioPassw0rd-do-not-leak";
    public const string Username = "ci-robot";
    public const string SecretContent = "npm-token-from-secret-file";

    public TempDirectory Context { get; } = new("kanikobuild-ctx-");
    public TempDirectory Recording { get; } = new("kanikobuild-rec-");
    public TempDirectory Tools { get; } = new("kanikobuild-tools-");
    public TempDirectory Work { get; } = new("kanikobuild-work-");
    public TempDirectory Outputs { get; } = new("kanikobuild-outputs-");
    public TempDirectory SecretSource { get; } = new("kanikobuild-secret-");
    public string SecretFile { get; }

    public Scenario()
    {
        Context.Write("Dockerfile", "FROM scratch\nCOPY Dockerfile /\n");
        var twistcli = Tools.Write("twistcli", "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(twistcli, (UnixFileMode)0b111_101_101);
        var token = Tools.Write("secrets/console-token", "console-token-value");
        File.SetUnixFileMode(token, UnixFileMode.UserRead);
        Directory.CreateDirectory(Tools.Combine("out"));
        SecretFile = SecretSource.Write("npmrc", SecretContent);
        Secrets.Register(Password);
    }

    public static string AuthValue => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    /// <summary>A request that uses every kind of input the runners place: mounts, a secret and a credential.</summary>
    public KanikoBuildRequest Request(string registry = "127.0.0.1:5999") => new()
    {
        Context = KanikoContext.Directory(Context.Path),
        Destinations = [$"{registry}/team/app:1.0", $"{registry}/team/app:latest"],
        BuildArgs = ["VERSION=1.2.3"],
        Labels = [new("org.opencontainers.image.revision", "abc123")],
        Secrets = [new KanikoSecret("npmrc", SecretFile)],
        RegistryCredentials = new Dictionary<string, RegistryCredential> { [registry] = new(Username, Password) },
        Mounts =
        [
            new KanikoMount(Recording.Path, "/kaniko/recording", ReadOnly: false),
            new KanikoMount(Tools.Path, "/kaniko/kanikobuild", ReadOnly: false),
        ],
    };

    public void ExitWith(int code) => Context.Write("exit-code", code.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public void PrintFirst(params string[] lines) => Context.Write("kaniko-lines", string.Join('\n', lines) + "\n");
    public void AwaitAck() => Context.Write("await-ack", "");
    public void Hang() => Context.Write("hang", "");

    public string Recorded(string name) => File.ReadAllText(Recording.Combine(name)).Trim();
    public IReadOnlyList<string> RecordedArgs => File.ReadAllLines(Recording.Combine("args"));
    public IReadOnlyList<string> RecordedEnv => File.ReadAllLines(Recording.Combine("env"));

    /// <summary>The user:password the executor found in its config.json for <paramref name="registry"/>.</summary>
    public string RecordedLogin(string registry)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Recording.Combine("config.json")));
        var auth = json.RootElement.GetProperty("auths").GetProperty(registry).GetProperty("auth").GetString()!;
        return Encoding.UTF8.GetString(Convert.FromBase64String(auth));
    }

    public static void AssertNoCredential(IEnumerable<string> texts, string where)
    {
        foreach (var text in texts)
        {
            Assert.False(text.Contains(Password, StringComparison.Ordinal), $"the password appeared in {where}: {text}");
            Assert.False(text.Contains(AuthValue, StringComparison.Ordinal), $"the auth value appeared in {where}: {text}");
            Assert.False(text.Contains(SecretContent, StringComparison.Ordinal), $"the secret appeared in {where}: {text}");
        }
    }

    public void Dispose()
    {
        SecretSource.Dispose();
        Context.Dispose();
        Recording.Dispose();
        Tools.Dispose();
        Work.Dispose();
        Outputs.Dispose();
    }
}
