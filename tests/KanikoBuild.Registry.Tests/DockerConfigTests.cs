using System.Text;
using KanikoBuild.Testing;

namespace KanikoBuild.Registry.Tests;

public class DockerConfigTests
{
    static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Auths_entries_match_by_host_whatever_the_key_style()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("config.json", $$$"""
            {"auths": {
              "https://registry.example.com/v1/": {"auth": "{{{B64("alice:s3cret:with:colons")}}}"},
              "other.example.com:5000": {"username": "bob", "password": "pw-bob"},
              "https://index.docker.io/v1/": {"identitytoken": "refresh-token-value"}
            }}
            """);
        var config = new DockerConfigCredentials(path);
        var alice = await config.FindAsync("registry.example.com");
        Assert.Equal("alice", alice!.Username);
        Assert.Equal("s3cret:with:colons", alice.Password);
        Assert.Equal("bob", (await config.FindAsync("other.example.com:5000"))!.Username);
        Assert.Equal("refresh-token-value", (await config.FindAsync("docker.io"))!.IdentityToken);
        Assert.Null(await config.FindAsync("unknown.example.com"));
        Assert.DoesNotContain("s3cret", alice.ToString());
        Assert.Contains("s3cret:with:colons", Secrets.Values);
    }

    [Fact]
    public async Task Credential_helpers_are_asked_through_stdin()
    {
        using var dir = new TempDirectory();
        // A helper in the docker-credential-<name> convention; it answers only for the server URL it reads on stdin.
        var helper = dir.Write("bin/docker-credential-kbtest", """
            #!/bin/sh
            read server
            if [ "$1" = get ] && [ "$server" = "helper.example.com" ]; then
              echo '{"ServerURL":"helper.example.com","Username":"carol","Secret":"helper-secret"}'
            else
              echo "credentials not found in native keychain"; exit 1
            fi
            """);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = dir.Write("config.json", """{"credHelpers": {"helper.example.com": "kbtest"}, "credsStore": "kbtest"}""");
        var previous = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", $"{dir.Combine("bin")}:{previous}");
        try
        {
            var config = new DockerConfigCredentials(path);
            var carol = await config.FindAsync("helper.example.com");
            Assert.Equal(("carol", "helper-secret"), (carol!.Username, carol.Password));
            Assert.Null(await config.FindAsync("elsewhere.example.com"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", previous);
        }
    }

    [Fact]
    public async Task A_missing_helper_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("config.json", """{"credsStore": "does-not-exist-kb"}""");
        var error = await Assert.ThrowsAsync<PipelineException>(() => new DockerConfigCredentials(path).FindAsync("r.example.com"));
        Assert.Contains("docker-credential-does-not-exist-kb", error.Message);
    }
}
